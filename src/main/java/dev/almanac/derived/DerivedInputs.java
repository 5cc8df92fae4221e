package dev.almanac.derived;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The inputs derived tables share, each created once on first use (a topic can be the source of only one
 * node): the latest table and the region hierarchy; and the steps that add nodes to the built topology.
 */
public final class DerivedInputs {

    /** Store of the latest table as the derived application sees it. */
    public static final String LATEST_STORE = "derived-latest-store";
    /** Store of the region hierarchy: region code → {@link Region}. */
    public static final String REGIONS_STORE = "derived-regions-store";

    private final StreamsBuilder builder;
    private final TopicCatalogue topics;
    private KTable<ObservationKey, IndicatorObservation> latest;
    /** Indicators some table reads from the latest table; filled while the topology is built. */
    private final Set<String> latestIndicators = new HashSet<>();
    private KTable<String, Region> regions;
    private final List<Consumer<Topology>> atBuild = new ArrayList<>();
    private final Set<String> claimed = new HashSet<>();

    DerivedInputs(StreamsBuilder builder, TopicCatalogue topics) {
        this.builder = builder;
        this.topics = topics;
    }

    public StreamsBuilder builder() {
        return builder;
    }

    public TopicCatalogue topics() {
        return topics;
    }

    /**
     * The latest table read from {@code <prefix>.latest}, holding (at least) {@code indicators}: the caller
     * declares the indicators it reads. The table holds only the indicators some table declared: the
     * latest topic carries every indicator, most of which no derived table reads, and each record that
     * enters the table costs a store write, a cache entry, its decoding on every cache flush and a visit to
     * every downstream filter. A record of another indicator is read as a deletion of its key, which leaves
     * the table untouched (a store restored from the topic may still hold such keys; nobody reads them).
     */
    public KTable<ObservationKey, IndicatorObservation> latest(Set<String> indicators) {
        latestIndicators.addAll(indicators);
        if (latest == null) {
            Topic<ObservationKey, IndicatorObservation> t = topics.latest();
            Set<String> read = latestIndicators;
            Deserializer<IndicatorObservation> all = t.valueSerde().deserializer();
            Deserializer<IndicatorObservation> onlyRead = (topic, bytes) -> {
                IndicatorObservation o = all.deserialize(topic, bytes);
                return o == null || read.contains(o.getIndicator()) ? o : null;
            };
            latest = builder.table(t.name(),
                    Consumed.with(t.keySerde(), Serdes.serdeFrom(t.valueSerde().serializer(), onlyRead)).withName("derived-latest-source"),
                    Materialized.<ObservationKey, IndicatorObservation, KeyValueStore<Bytes, byte[]>>as(LATEST_STORE)
                            .withKeySerde(t.keySerde()).withValueSerde(t.valueSerde()));
        }
        return latest;
    }

    /** The region hierarchy read from {@code <prefix>.regions}. */
    public KTable<String, Region> regions() {
        if (regions == null) {
            Topic<String, Region> t = topics.regions();
            regions = builder.table(t.name(), Consumed.with(t.keySerde(), t.valueSerde()).withName("derived-regions-source"),
                    Materialized.<String, Region, KeyValueStore<Bytes, byte[]>>as(REGIONS_STORE)
                            .withKeySerde(t.keySerde()).withValueSerde(t.valueSerde()));
        }
        return regions;
    }

    /**
     * Runs {@code step} on the built topology: for nodes the DSL cannot express (a store whose changelog is
     * an input topic, {@code Topology#addReadOnlyStateStore}). Steps run in the order they were added.
     */
    public void atBuild(Consumer<Topology> step) {
        atBuild.add(step);
    }

    /** True the first time {@code resource} is claimed: for nodes that several tables share but only one may add. */
    public boolean claim(String resource) {
        return claimed.add(resource);
    }

    void finish(Topology topology) {
        atBuild.forEach(step -> step.accept(topology));
    }
}
