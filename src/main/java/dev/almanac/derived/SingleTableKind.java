package dev.almanac.derived;

import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * A kind whose table is one compacted topic and one queryable store of the same rows (shares, periods, growth,
 * conflicts): everything about it is data, given once.
 *
 * @param definitionType the definition this kind is built from
 * @param valueType the Avro record of a row
 * @param doc one line saying what a row is (the SQL table's description)
 * @param topology adds the table's processors, stores and sink
 * @param topic the table's output topic
 * @param store the table's queryable store
 * @param title the demo's title for the table
 * @param columns the demo's column headers
 * @param order the demo's row order
 * @param row the demo's cells of a row, one per column
 */
public record SingleTableKind<D extends TableDefinition, V extends SpecificRecord>(
        Class<D> definitionType, Class<V> valueType, String doc, BiConsumer<DerivedInputs, D> topology,
        BiFunction<TopicCatalogue, D, Topic<?, V>> topic, Function<D, String> store,
        String title, List<String> columns, Comparator<V> order, Function<V, List<String>> row) implements DerivedTableKind<D> {

    /** Rows the demo shows before it only counts the rest. */
    static final int SHOWN_ROWS = 10;

    @Override
    public void addTo(DerivedInputs inputs, D table) {
        topology.accept(inputs, table);
    }

    @Override
    public List<Topic<?, ?>> outputTopics(TopicCatalogue topics, D table) {
        return List.of(topic.apply(topics, table));
    }

    @Override
    public List<QueryableStore> queryableStores(TopicCatalogue topics, D table) {
        return List.of(new QueryableStore("", doc, store.apply(table), valueType, topic.apply(topics, table)));
    }

    @Override
    public List<TerminalView> terminalViews(TopicCatalogue topics, D table) {
        Topic<?, V> out = topic.apply(topics, table);
        return List.of(new TerminalView("[" + out.name() + "]", title, columns, SHOWN_ROWS,
                contents -> contents.of(out).stream().sorted(order).map(row).toList()));
    }
}
