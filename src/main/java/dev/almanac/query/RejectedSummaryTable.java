package dev.almanac.query;

import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** {@code rejected_summary}: records sent to the dead-letter topic, by rejection reason, summed over every partition. */
final class RejectedSummaryTable implements TableDef {

    private static final String PREFIX = "rejected.";

    private final String rawTopic;

    public RejectedSummaryTable(TopicCatalogue topics) {
        this.rawTopic = topics.rawObservations().name();
    }

    @Override
    public String name() {
        return "rejected_summary";
    }

    @Override
    public String description() {
        return "rejected (dead-lettered) input records by reason, over all partitions";
    }

    @Override
    public List<Column> columns() {
        return List.of(new Column("reason", SqlTypeName.VARCHAR, "rejection reason"),
                new Column("count", SqlTypeName.BIGINT, "records rejected for it"));
    }

    @Override
    public String routingStore() {
        return FoundationTopology.VALIDATION_COUNTS_STORE;
    }

    @Override
    public String sourceTopic() {
        return rawTopic;
    }

    @Override
    public List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request) {
        ReadOnlyKeyValueStore<String, Long> counts = stores.keyValue(FoundationTopology.VALIDATION_COUNTS_STORE, partition, allowStandby);
        List<Object[]> rows = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = counts.prefixScan(PREFIX, new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                rows.add(new Object[] {kv.key.substring(PREFIX.length()), kv.value});
            }
        }
        return rows;
    }

    @Override
    public List<Object[]> merge(List<Object[]> rows) {
        Map<String, Long> sums = new TreeMap<>();
        for (Object[] r : rows) {
            sums.merge((String) r[0], (Long) r[1], Long::sum);
        }
        List<Object[]> out = new ArrayList<>();
        sums.forEach((reason, count) -> out.add(new Object[] {reason, count}));
        return out;
    }
}
