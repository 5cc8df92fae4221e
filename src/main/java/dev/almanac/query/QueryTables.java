package dev.almanac.query;

import dev.almanac.avro.Region;
import dev.almanac.derived.DerivedTopics;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.DerivedKinds;
import dev.almanac.derived.DerivedTable;
import dev.almanac.derived.QueryableStore;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * The queryable tables. {@link #standard} are the foundation's; {@link #withDerived} adds one table per
 * derived store the definitions produce (named after the definition, {@code -} becoming {@code _}):
 * regions, shares, periods, growth, conflicts, and per registrations table its cumulative, rolling and
 * reconciliation tables.
 */
public final class QueryTables {

    private QueryTables() {
    }

    /** The foundation's tables: latest, current, revisions, rejected_summary. */
    public static TableRegistry standard(TopicCatalogue topics) {
        return new TableRegistry()
                .register(new LatestTable(topics))
                .register(new CurrentTable(topics))
                .register(new RevisionsTable(topics))
                .register(new RejectedSummaryTable(topics));
    }

    /**
     * The foundation's tables and the derived ones.
     *
     * @param derivedTopology the derived application's topology (to find each store's partitions)
     * @param derivedApplicationId its application id (internal topics are prefixed with it)
     */
    public static TableRegistry withDerived(TopicCatalogue topics, DerivedDefinitions definitions, Topology derivedTopology,
                                            String derivedApplicationId) {
        TableRegistry registry = standard(topics);
        Set<String> external = new HashSet<>();
        topics.all().forEach(t -> external.add(t.name()));
        DerivedTopics.all(topics, definitions).forEach(t -> external.add(t.name()));
        TopologyDescription description = derivedTopology.describe();
        Resolver r = new Resolver(registry, description, external, derivedApplicationId);
        r.add("regions", "the region hierarchy (code, parent, names, kind), as loaded into the regions topic",
                DerivedInputs.REGIONS_STORE, Region.class, Optional.of(topics.regions()));
        for (DerivedTable<?> t : DerivedKinds.tables(definitions)) {
            for (QueryableStore q : t.queryableStores(topics)) {
                r.add(sqlName(t.name()) + q.nameSuffix(), q.doc(), q.store(), q.valueType(), Optional.of(q.changes()));
            }
        }
        return registry;
    }

    static String sqlName(String definitionName) {
        return definitionName.replace('-', '_');
    }

    private record Resolver(TableRegistry registry, TopologyDescription description, Set<String> external, String applicationId) {
        void add(String name, String doc, String store, Class<? extends SpecificRecord> type,
                 Optional<? extends Topic<?, ? extends SpecificRecord>> changes) {
            if (registry.get(name).isPresent()) {
                throw new IllegalArgumentException("derived table " + name + " would hide the query table of the same name; rename it in the definitions");
            }
            registry.register(new AvroStoreTable(name, doc, TableDef.Application.DERIVED, store, sourceTopic(store), type,
                    changes.map(t -> (Topic<?, ? extends SpecificRecord>) t)));
        }

        /** A source topic of the sub-topology that holds {@code store}, by its real name (internal ones carry the application id). */
        String sourceTopic(String store) {
            for (TopologyDescription.Subtopology s : description.subtopologies()) {
                boolean holds = s.nodes().stream().anyMatch(n -> n instanceof TopologyDescription.Processor p && p.stores().contains(store));
                if (!holds) {
                    continue;
                }
                Set<String> topics = new LinkedHashSet<>();
                for (TopologyDescription.Node n : s.nodes()) {
                    if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                        topics.addAll(src.topicSet());
                    }
                }
                for (String t : topics) {
                    if (external.contains(t)) {
                        return t;
                    }
                }
                if (!topics.isEmpty()) {
                    return applicationId + "-" + topics.iterator().next();
                }
            }
            throw new IllegalArgumentException("store " + store + " is not in the derived topology");
        }
    }
}
