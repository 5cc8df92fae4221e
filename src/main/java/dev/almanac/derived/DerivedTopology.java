package dev.almanac.derived;

import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.TopicCatalogue;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * The derived tables (shares, de-cumulated periods, growth, conflicts, registration counts), built from
 * the definitions. A pure function: adds nodes, does no I/O.
 *
 * <p>It only reads topics ({@code latest}, {@code observations.valid}, {@code regions},
 * {@code registrations.raw}) and never the foundation's stores, so it runs as an application of its own
 * (application id {@code <app>-derived}) beside the foundation. It cannot share one {@link Topology}
 * with the foundation: both read {@code observations.valid}, and a topic can feed only one source node.
 */
public final class DerivedTopology {

    private DerivedTopology() {
    }


    /**
     * The derived tables as a topology of their own. {@code streamsProperties} are those the application
     * runs with (they decide, e.g., whether unnamed internal resources are refused).
     */
    public static Topology build(TopicCatalogue topics, DerivedDefinitions definitions, Properties streamsProperties) {
        StreamsBuilder builder = new StreamsBuilder();
        DerivedInputs inputs = new DerivedInputs(builder, topics);
        for (DerivedTable<?> table : DerivedKinds.tables(definitions)) {
            table.addTo(inputs);
        }
        Topology topology = builder.build(streamsProperties);
        inputs.finish(topology);
        return topology;
    }

    /** Properties that make building fail on any auto-named internal resource, as the application runs. */
    public static Properties strictNaming() {
        Properties p = new Properties();
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return p;
    }
}
