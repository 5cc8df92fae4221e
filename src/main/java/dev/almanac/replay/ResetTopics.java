package dev.almanac.replay;

import dev.almanac.runtime.Pipeline;
import dev.almanac.derived.DerivedTopics;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * The roles of the pipeline's topics in a reset, read from the topologies: a pipeline topic no application writes
 * is an input, one some application writes is derived, and internal topics are named from each topology's store
 * and topic names (never by pattern). Pure functions.
 */
public final class ResetTopics {

    private ResetTopics() {
    }

    /** Every non-internal topic of the pipeline: the catalogue's and the derived tables'. */
    public static List<Topic<?, ?>> pipelineTopics(TopicCatalogue topics, DerivedDefinitions definitions) {
        List<Topic<?, ?>> all = new ArrayList<>(topics.all());
        all.addAll(DerivedTopics.all(topics, definitions));
        return all;
    }

    /**
     * The topics Kafka Streams creates for {@code topology} under {@code applicationId}: one changelog per
     * store, plus every topic the topology reads or writes that is not a pipeline topic (repartition and
     * foreign-key subscription topics). Some changelogs may not exist (logging disabled).
     */
    public static Set<String> internalTopicNames(String applicationId, Topology topology, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> named = names(pipelineTopics);
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(store -> names.add(applicationId + "-" + store + "-changelog"));
                } else if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    src.topicSet().stream().filter(t -> !named.contains(t)).forEach(t -> names.add(applicationId + "-" + t));
                } else if (n instanceof TopologyDescription.Sink sink && sink.topic() != null && !named.contains(sink.topic())) {
                    names.add(applicationId + "-" + sink.topic());
                }
            }
        }
        return names;
    }

    /** Pipeline topics {@code app} both writes and reads back (the valid topic for the foundation). */
    public static Set<String> selfFedTopics(ApplicationReset.App app, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> both = new TreeSet<>(sources(app.topology()));
        both.retainAll(sinks(app.topology()));
        both.retainAll(names(pipelineTopics));
        return both;
    }

    /** Pipeline topics some application writes. */
    public static Set<String> derivedTopics(List<ApplicationReset.App> apps, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> out = new TreeSet<>();
        apps.forEach(a -> out.addAll(sinks(a.topology())));
        out.retainAll(names(pipelineTopics));
        return out;
    }

    /** Pipeline topics {@code app} reads that no application writes. */
    public static Set<String> inputTopics(ApplicationReset.App app, List<ApplicationReset.App> apps, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> in = new TreeSet<>(sources(app.topology()));
        in.retainAll(names(pipelineTopics));
        in.removeAll(derivedTopics(apps, pipelineTopics));
        return in;
    }

    /** Pipeline topics {@code app} reads that some application writes. */
    public static Set<String> intermediateTopics(ApplicationReset.App app, List<ApplicationReset.App> apps, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> both = new TreeSet<>(sources(app.topology()));
        both.retainAll(derivedTopics(apps, pipelineTopics));
        return both;
    }

    static Set<String> sources(Topology topology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    topics.addAll(src.topicSet());
                }
            }
        }
        for (TopologyDescription.GlobalStore g : topology.describe().globalStores()) {
            if (g.source().topicSet() != null) {
                topics.addAll(g.source().topicSet());
            }
        }
        return topics;
    }

    static Set<String> sinks(Topology topology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    topics.add(sink.topic());
                }
            }
        }
        return topics;
    }

    static Set<String> names(Collection<Topic<?, ?>> topics) {
        Set<String> names = new TreeSet<>();
        topics.forEach(t -> names.add(t.name()));
        return names;
    }
}
