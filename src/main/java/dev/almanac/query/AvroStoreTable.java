package dev.almanac.query;

import dev.almanac.kafka.Topic;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A table over a key-value store whose values are Avro records that carry their own key fields (the
 * derived tables: shares, growth, conflicts, registration counts, regions). The columns are the
 * record's fields: strings and enums as VARCHAR, doubles, longs (timestamp-millis as TIMESTAMP), ints
 * (date as DATE), booleans, arrays as comma-separated VARCHAR. Reads scan every partition (there is no
 * key pushdown for these tables); Calcite filters the rows.
 */
final class AvroStoreTable implements TableDef {

    private final String name;
    private final String description;
    private final Application application;
    private final String store;
    private final String sourceTopic;
    private final Schema schema;
    private final List<Column> columns;
    private final Optional<Topic<?, ? extends SpecificRecord>> changes;

    /**
     * @param store the store's name
     * @param sourceTopic a source topic of the store's sub-topology (its partitions number the store's)
     * @param changes the compacted topic the table is published to, for push queries
     */
    public AvroStoreTable(String name, String description, Application application, String store, String sourceTopic,
                          Class<? extends SpecificRecord> valueType, Optional<Topic<?, ? extends SpecificRecord>> changes) {
        this.name = name;
        this.description = description;
        this.application = application;
        this.store = store;
        this.sourceTopic = sourceTopic;
        this.schema = SpecificData.get().getSchema(valueType);
        this.columns = columns(schema);
        this.changes = changes;
    }

    private static List<Column> columns(Schema schema) {
        List<Column> cols = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            String doc = f.doc() == null ? "" : f.doc();
            cols.add(new Column(f.name(), sqlType(nonNull(f.schema())), doc));
        }
        return List.copyOf(cols);
    }

    private static Schema nonNull(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            for (Schema branch : s.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return s;
    }

    private static SqlTypeName sqlType(Schema s) {
        LogicalType logical = s.getLogicalType();
        return switch (s.getType()) {
            case DOUBLE, FLOAT -> SqlTypeName.DOUBLE;
            case LONG -> logical instanceof LogicalTypes.TimestampMillis ? SqlTypeName.TIMESTAMP : SqlTypeName.BIGINT;
            case INT -> logical instanceof LogicalTypes.Date ? SqlTypeName.DATE : SqlTypeName.INTEGER;
            case BOOLEAN -> SqlTypeName.BOOLEAN;
            default -> SqlTypeName.VARCHAR;
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Application application() {
        return application;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<Column> columns() {
        return columns;
    }

    @Override
    public String routingStore() {
        return store;
    }

    @Override
    public String sourceTopic() {
        return sourceTopic;
    }

    @Override
    public List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request) {
        ReadOnlyKeyValueStore<Object, SpecificRecord> kv = stores.keyValue(store, partition, allowStandby);
        List<Object[]> rows = new ArrayList<>();
        QueryContext ctx = QueryContext.current();
        try (KeyValueIterator<Object, SpecificRecord> it = kv.all()) {
            while (it.hasNext()) {
                if ((rows.size() & 1023) == 0) {
                    ctx.check();
                }
                KeyValue<Object, SpecificRecord> e = it.next();
                if (e.value != null) {
                    rows.add(row(e.value));
                }
            }
        }
        return rows;
    }

    /** A record as a row in column order. */
    Object[] row(SpecificRecord r) {
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = value(r.get(i), columns.get(i).type());
        }
        return row;
    }

    private static Object value(Object v, SqlTypeName type) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case TIMESTAMP -> v instanceof Instant i ? i.toEpochMilli() : ((Number) v).longValue();
            case DATE -> v instanceof LocalDate d ? (int) d.toEpochDay() : ((Number) v).intValue();
            case DOUBLE -> ((Number) v).doubleValue();
            case BIGINT -> ((Number) v).longValue();
            case INTEGER -> ((Number) v).intValue();
            case BOOLEAN -> (Boolean) v;
            default -> v instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : v.toString();
        };
    }

    @Override
    public Optional<ChangeFeed<?>> changes() {
        return changes.map(t -> new ChangeFeed<SpecificRecord>(t.name(), castDeserializer(t), this::row));
    }

    @SuppressWarnings("unchecked")
    private static org.apache.kafka.common.serialization.Deserializer<SpecificRecord> castDeserializer(Topic<?, ? extends SpecificRecord> t) {
        return (org.apache.kafka.common.serialization.Deserializer<SpecificRecord>) t.valueSerde().deserializer();
    }
}
