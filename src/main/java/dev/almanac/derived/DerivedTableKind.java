package dev.almanac.derived;

import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.List;

/**
 * One kind of derived table (shares, periods, growth, conflicts, registrations), declared in one place:
 * its part of the derived topology, the topics it writes, the stores the query API serves, and how
 * {@code ./almanac demo} shows it. Every {@link TableDefinition} subtype has exactly one kind in
 * {@link DerivedKinds}; the rest of Almanac iterates over kinds instead of switching on definition types,
 * so a new kind cannot be silently skipped somewhere.
 *
 * @param <D> the definition this kind is built from
 */
public interface DerivedTableKind<D extends TableDefinition> {

    /** The definition type this kind handles. */
    Class<D> definitionType();

    /** Adds the table's processors, stores and sinks. Pure: adds nodes, does no I/O. */
    void addTo(DerivedInputs inputs, D table);

    /** Every topic the table writes (all compacted), for creation at start-up and for reset. */
    List<Topic<?, ?>> outputTopics(TopicCatalogue topics, D table);

    /** The stores the SQL query API serves as tables. */
    List<QueryableStore> queryableStores(TopicCatalogue topics, D table);

    /** What {@code ./almanac demo} prints for the table. */
    List<TerminalView> terminalViews(TopicCatalogue topics, D table);
}
