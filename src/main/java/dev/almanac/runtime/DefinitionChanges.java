package dev.almanac.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * What a change of the derived-table definitions does to an application that already ran: the stores it kept on the
 * cluster (their changelog topics) compared with the stores of the new topology. A store that is gone (renamed or
 * removed) leaves its changelog behind; a new store starts empty at the application's committed offsets, so it
 * misses everything before them until {@code almanac reset} rebuilds every table from the beginning.
 */
public final class DefinitionChanges {

    private static final String CHANGELOG = "-changelog";

    /** Stores that existed and are gone, and stores that are new. */
    public record Report(Set<String> removed, Set<String> added) {

        /** Lines for the console; empty when nothing changed or the application never ran. */
        public List<String> lines(String applicationId) {
            List<String> out = new ArrayList<>();
            if (removed.isEmpty() && added.isEmpty()) {
                return out;
            }
            out.add("The derived-table definitions changed since application " + applicationId + " last ran:");
            for (String s : removed) {
                out.add("  store " + s + " is no longer defined (renamed or removed); its changelog " + applicationId + "-" + s
                        + CHANGELOG + " stays until 'almanac reset'");
            }
            for (String s : added) {
                out.add("  store " + s + " is new and starts empty at the committed offsets: it holds only what arrives from now on");
            }
            out.add("  'almanac reset' rebuilds every table from the beginning of the input topics (and deletes the old changelogs).");
            return out;
        }
    }

    private DefinitionChanges() {
    }

    /**
     * Compares the stores of {@code topology} with the changelogs of {@code applicationId} among {@code topics}. An
     * application that never ran (no changelog at all) has nothing to compare with: the report is empty.
     */
    public static Report compare(String applicationId, Topology topology, Collection<String> topics) {
        String prefix = applicationId + "-";
        Set<String> existing = new TreeSet<>();
        for (String t : topics) {
            if (t.startsWith(prefix) && t.endsWith(CHANGELOG)) {
                existing.add(t.substring(prefix.length(), t.length() - CHANGELOG.length()));
            }
        }
        if (existing.isEmpty()) {
            return new Report(Set.of(), Set.of());
        }
        Set<String> now = stores(topology);
        Set<String> removed = new TreeSet<>(existing);
        removed.removeAll(now);
        Set<String> added = new TreeSet<>(now);
        added.removeAll(existing);
        return new Report(removed, added);
    }

    /** The report for the pipeline's derived application, from the topics on its cluster. */
    public static Report check(Pipeline pipeline) throws Exception {
        try (Admin admin = TopicAdmin.admin(pipeline.config().kafka())) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return compare(Pipeline.derivedApplicationId(pipeline.config()), pipeline.derivedTopology(), topics);
        }
    }

    /** The state stores with a changelog in {@code topology} (logging is on for every Almanac store). */
    static Set<String> stores(Topology topology) {
        Set<String> stores = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Processor p) {
                    stores.addAll(p.stores());
                }
            }
        }
        return stores;
    }
}
