package dev.almanac.query;

import dev.almanac.foundation.RegionIndex;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * {@code latest}: per (indicator, region, period) the winning vintage, from the latest table store.
 * As of a time, every key's value comes from the versioned latest store instead.
 */
public final class LatestTable implements TableDef {

    private final Topic<ObservationKey, IndicatorObservation> valid;
    private final Topic<ObservationKey, IndicatorObservation> changes;

    public LatestTable(TopicCatalogue topics) {
        this.valid = topics.validObservations();
        this.changes = topics.latest();
    }

    @Override
    public String name() {
        return "latest";
    }

    @Override
    public String description() {
        return "per (indicator, region, period) the newest vintage; FOR SYSTEM_TIME AS OF gives the table as published by then";
    }

    @Override
    public List<Column> columns() {
        return ObservationColumns.COLUMNS;
    }

    @Override
    public List<String> keyColumns() {
        return List.of("indicator", "region", "period");
    }

    @Override
    public Optional<String> indexColumn() {
        return Optional.of("region");
    }

    @Override
    public boolean temporal() {
        return true;
    }

    @Override
    public String routingStore() {
        return FoundationTopology.LATEST_TABLE_STORE;
    }

    @Override
    public String sourceTopic() {
        return valid.name();
    }

    @Override
    public Optional<KeyRoute<?>> route(List<String> prefix) {
        if (prefix.size() < 2) {
            return Optional.empty();
        }
        // The valid topic is partitioned by (indicator, region) only: the period does not move a key.
        ObservationKey key = new ObservationKey(prefix.get(0), prefix.get(1), prefix.size() > 2 ? prefix.get(2) : "");
        return Optional.of(new KeyRoute<>(key, new SeriesPartitioner<>()));
    }

    @Override
    public List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request) {
        List<Object[]> rows = new ArrayList<>();
        QueryContext ctx = QueryContext.current();
        if (request.asOf() == null) {
            if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
                ReadOnlyKeyValueStore<String, IndicatorObservation> index =
                        stores.keyValue(RegionIndex.LATEST_BY_REGION_STORE, partition, allowStandby);
                for (String prefix : request.indexPrefixes()) {
                    drain(index.prefixScan(prefix, new StringSerializer()), rows, ctx);
                }
                return rows;
            }
            ReadOnlyKeyValueStore<ObservationKey, IndicatorObservation> table =
                    stores.keyValue(FoundationTopology.LATEST_TABLE_STORE, partition, allowStandby);
            if (request.fullScan()) {
                drain(table.all(), rows, ctx);
            }
            for (List<String> p : request.prefixes()) {
                if (p.size() >= 3) {
                    IndicatorObservation o = table.get(new ObservationKey(p.get(0), p.get(1), p.get(2)));
                    if (o != null) {
                        rows.add(ObservationColumns.row(o));
                    }
                } else {
                    drain(table.prefixScan(prefix(stores, p), StoreKeys.RAW), rows, ctx);
                }
            }
            return rows;
        }
        Instant asOf = Instant.ofEpochMilli(request.asOf());
        for (ObservationKey key : keys(stores, partition, allowStandby, request, ctx)) {
            ctx.check();
            VersionedRecord<IndicatorObservation> r = stores.query(FoundationTopology.LATEST_STORE, partition, allowStandby,
                    VersionedKeyQuery.<ObservationKey, IndicatorObservation>withKey(key).asOf(asOf));
            if (r != null) {
                rows.add(ObservationColumns.row(r.value()));
            }
        }
        return rows;
    }

    /**
     * The keys a request covers: point keys as given; prefixes, index prefixes and full scans from the
     * latest table and its index (keys are never deleted, so every key that ever had a vintage is there).
     */
    List<ObservationKey> keys(LocalStores stores, int partition, boolean allowStandby, ReadRequest request, QueryContext ctx) {
        List<ObservationKey> keys = new ArrayList<>();
        if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
            ReadOnlyKeyValueStore<String, IndicatorObservation> index =
                    stores.keyValue(RegionIndex.LATEST_BY_REGION_STORE, partition, allowStandby);
            for (String prefix : request.indexPrefixes()) {
                try (KeyValueIterator<String, IndicatorObservation> it = index.prefixScan(prefix, new StringSerializer())) {
                    while (it.hasNext()) {
                        IndicatorObservation o = it.next().value;
                        keys.add(new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod()));
                    }
                }
            }
            return keys;
        }
        ReadOnlyKeyValueStore<ObservationKey, IndicatorObservation> table =
                stores.keyValue(FoundationTopology.LATEST_TABLE_STORE, partition, allowStandby);
        if (request.fullScan()) {
            drainKeys(table.all(), keys, ctx);
        }
        for (List<String> p : request.prefixes()) {
            if (p.size() >= 3) {
                keys.add(new ObservationKey(p.get(0), p.get(1), p.get(2)));
            } else {
                drainKeys(table.prefixScan(prefix(stores, p), StoreKeys.RAW), keys, ctx);
            }
        }
        return keys;
    }

    byte[] prefix(LocalStores stores, List<String> p) {
        Serializer<ObservationKey> serializer = valid.keySerde().serializer();
        String topic = stores.changelogTopic(FoundationTopology.LATEST_TABLE_STORE);
        return p.size() == 1
                ? StoreKeys.prefix(serializer, topic, new ObservationKey(p.get(0), "", ""), 2)
                : StoreKeys.prefix(serializer, topic, new ObservationKey(p.get(0), p.get(1), ""), 1);
    }

    static void drain(KeyValueIterator<?, IndicatorObservation> it, List<Object[]> rows, QueryContext ctx) {
        try (it) {
            while (it.hasNext()) {
                if ((rows.size() & 1023) == 0) {
                    ctx.check();
                }
                rows.add(ObservationColumns.row(it.next().value));
            }
        }
    }

    static <K> void drainKeys(KeyValueIterator<K, ?> it, List<K> keys, QueryContext ctx) {
        try (it) {
            while (it.hasNext()) {
                if ((keys.size() & 1023) == 0) {
                    ctx.check();
                }
                KeyValue<K, ?> kv = it.next();
                keys.add(kv.key);
            }
        }
    }

    @Override
    public Optional<ChangeFeed<?>> changes() {
        return Optional.of(new ChangeFeed<IndicatorObservation>(changes.name(), changes.valueSerde().deserializer(), ObservationColumns::row));
    }
}
