package dev.almanac.query;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * A queryable table: one registration in the {@link TableRegistry}. A table reads one store partition
 * at a time on the instance that hosts it; the router decides which partitions and where.
 */
public interface TableDef {

    /** The Kafka Streams application whose stores hold a table. */
    enum Application {
        /** Validation, latest and current tables (application id {@code <id>}). */
        FOUNDATION,
        /** Derived tables (application id {@code <id>-derived}). */
        DERIVED
    }

    /** How a key prefix finds its partition: the key and the partitioner the store's topic is written with. */
    record KeyRoute<K>(K key, StreamPartitioner<? super K, ?> partitioner) {
    }

    /** A compacted topic carrying every change of the table, for push queries. */
    record ChangeFeed<V>(String topic, Deserializer<V> valueDeserializer, java.util.function.Function<V, Object[]> toRow) {
    }

    String name();

    /** The application whose stores hold this table. */
    default Application application() {
        return Application.FOUNDATION;
    }

    String description();

    List<Column> columns();

    /**
     * Leading key columns, in key order: equality predicates on a prefix of them are pushed down to the stores.
     * None by default: a table whose store keys are not laid out by its columns is scanned on every partition.
     */
    default List<String> keyColumns() {
        return List.of();
    }

    /**
     * How many leading key columns a query must fix; 0 when a full scan is allowed. A table that needs them
     * explains which in {@link #requiredKeyMessage()}.
     */
    default int requiredKeyColumns() {
        return 0;
    }

    default String requiredKeyMessage() {
        return "";
    }

    /** The column a region-first index covers (equality, IN and LIKE 'prefix%' on it narrow full scans); empty for none. */
    default java.util.Optional<String> indexColumn() {
        return java.util.Optional.empty();
    }

    /** Whether {@code FOR SYSTEM_TIME AS OF} applies; only tables that keep history can answer it. */
    default boolean temporal() {
        return false;
    }

    /** The store whose partition placement routes this table's reads. */
    String routingStore();

    /** The topic whose partitions number the routing store's partitions. */
    String sourceTopic();

    /**
     * The key and partitioner locating a prefix's partition; empty when the prefix spans partitions (always,
     * for a table without {@link #keyColumns()}).
     */
    default Optional<KeyRoute<?>> route(List<String> prefix) {
        return Optional.empty();
    }

    /**
     * Reads one local partition. For a {@link ReadRequest#countOnly()} request a table may answer with
     * {@link ReadRequest#counted} rows (exactly the rows it would read, without their values) when its
     * {@link #merge} does not combine rows; otherwise it reads the rows as usual.
     *
     * @param allowStandby whether a standby replica may answer
     */
    List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request);

    /** Combines rows from every partition (e.g. sums per-partition counters); identity by default. */
    default List<Object[]> merge(List<Object[]> rows) {
        return rows;
    }

    /** The change topic for push queries ({@code EMIT CHANGES}); empty when the table cannot be streamed. */
    default Optional<ChangeFeed<?>> changes() {
        return Optional.empty();
    }

    /** The index of a column by name, -1 when absent. */
    default int columnIndex(String column) {
        List<Column> cs = columns();
        for (int i = 0; i < cs.size(); i++) {
            if (cs.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }
}
