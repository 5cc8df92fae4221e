package dev.almanac.query;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.LatestHistory;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code current}: per (indicator, region, frequency) the latest vintage of the newest reference period.
 * As of a time D: of the series' periods in the latest table's history, the newest one with a vintage
 * published by D, and that vintage.
 */
final class CurrentTable extends ObservationTable {

    /** Locates a series the way {@link SeriesPartitioner} locates its observations. */
    static final StreamPartitioner<SeriesKey, Object> SERIES_KEY_PARTITIONER = (topic, key, value, n) ->
            Optional.of(Set.of(SeriesPartitioner.partition(key.getIndicator(), key.getRegion(), n)));

    private final Topic<SeriesKey, IndicatorObservation> current;
    private final LatestTable latest;

    CurrentTable(TopicCatalogue topics) {
        super(topics.validObservations(), topics.current());
        this.current = topics.current();
        this.latest = new LatestTable(topics);
    }

    @Override
    public String name() {
        return "current";
    }

    @Override
    public String description() {
        return "per (indicator, region, frequency) the latest vintage of the newest period; FOR SYSTEM_TIME AS OF gives it as known then";
    }

    @Override
    public List<String> keyColumns() {
        return List.of("indicator", "region", "frequency");
    }

    @Override
    public String routingStore() {
        return FoundationTopology.CURRENT_STORE;
    }

    @Override
    public Optional<KeyRoute<?>> route(List<String> prefix) {
        if (prefix.size() < 2) {
            return Optional.empty();
        }
        SeriesKey key = new SeriesKey(prefix.get(0), prefix.get(1), prefix.size() > 2 ? prefix.get(2) : "");
        return Optional.of(new KeyRoute<>(key, SERIES_KEY_PARTITIONER));
    }

    @Override
    public List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request) {
        QueryContext ctx = QueryContext.current();
        if (request.asOf() == null && request.countOnly() && request.indexPrefixes().isEmpty()) {
            return ReadRequest.counted(count(stores, partition, allowStandby, request, ctx));
        }
        List<Object[]> rows = new ArrayList<>();
        List<SeriesKey> series = new ArrayList<>();
        ReadOnlyKeyValueStore<SeriesKey, IndicatorObservation> store =
                stores.keyValue(FoundationTopology.CURRENT_STORE, partition, allowStandby);
        if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
            // The series of those regions, from the keys of the latest table's history (one prefix scan
            // per indicator); each one's current value is then a point read.
            LatestHistory.Reader history = latest.history(stores, partition, allowStandby);
            java.util.Set<SeriesKey> seen = new java.util.LinkedHashSet<>();
            for (String region : request.indexPrefixes()) {
                for (ObservationKey k : history.regionKeys(region)) {
                    seen.add(new SeriesKey(k.getIndicator(), k.getRegion(), frequency(k.getPeriod())));
                }
            }
            if (request.asOf() != null) {
                return asOf(stores, partition, allowStandby, new ArrayList<>(seen), request.asOf(), rows, ctx);
            }
            for (SeriesKey k : seen) {
                ctx.check();
                IndicatorObservation o = store.get(k);
                if (o != null) {
                    rows.add(ObservationColumns.row(o));
                }
            }
            return rows;
        }
        if (request.asOf() == null) {
            if (request.fullScan()) {
                LatestTable.drain(store.all(), rows, ctx);
            }
            for (List<String> p : request.prefixes()) {
                if (p.size() >= 3) {
                    IndicatorObservation o = store.get(new SeriesKey(p.get(0), p.get(1), p.get(2)));
                    if (o != null) {
                        rows.add(ObservationColumns.row(o));
                    }
                } else {
                    LatestTable.drain(store.prefixScan(prefix(stores, FoundationTopology.CURRENT_STORE, p), StoreKeys.RAW), rows, ctx);
                }
            }
            return rows;
        }
        // As of a time: every series that has a current value now (a superset of those that had one
        // then, since keys are never deleted), each answered from the latest table's history. Only the
        // keys are needed, so they are read from the stored bytes and the values are not decoded.
        ReadOnlyKeyValueStore<Bytes, byte[]> serialized = stores.serializedKeyValue(FoundationTopology.CURRENT_STORE, partition, allowStandby);
        String topic = stores.changelogTopic(FoundationTopology.CURRENT_STORE);
        if (request.fullScan()) {
            keys(serialized.all(), topic, series);
        }
        for (List<String> p : request.prefixes()) {
            if (p.size() >= 3) {
                series.add(new SeriesKey(p.get(0), p.get(1), p.get(2)));
            } else {
                keys(serialized.prefixScan(prefix(stores, FoundationTopology.CURRENT_STORE, p), StoreKeys.RAW), topic, series);
            }
        }
        return asOf(stores, partition, allowStandby, series, request.asOf(), rows, ctx);
    }

    /**
     * How many rows a live read of {@code request} gives: the entries of the store are counted in their
     * stored bytes, so no key or observation is decoded (a full key is one point read).
     */
    private long count(LocalStores stores, int partition, boolean allowStandby, ReadRequest request, QueryContext ctx) {
        ReadOnlyKeyValueStore<Bytes, byte[]> serialized = stores.serializedKeyValue(FoundationTopology.CURRENT_STORE, partition, allowStandby);
        long n = 0;
        if (request.fullScan()) {
            n += count(serialized.all(), ctx);
        }
        ReadOnlyKeyValueStore<SeriesKey, IndicatorObservation> typed = null;
        for (List<String> p : request.prefixes()) {
            if (p.size() >= 3) {
                if (typed == null) {
                    typed = stores.keyValue(FoundationTopology.CURRENT_STORE, partition, allowStandby);
                }
                n += typed.get(new SeriesKey(p.get(0), p.get(1), p.get(2))) == null ? 0 : 1;
            } else {
                n += count(serialized.prefixScan(prefix(stores, FoundationTopology.CURRENT_STORE, p), StoreKeys.RAW), ctx);
            }
        }
        return n;
    }

    private static String frequency(String period) {
        return Period.tryParse(period).map(p -> p.frequency().name()).orElse("");
    }

    /** Per series, the vintage valid at {@code millis} of the newest period that had one. */
    private List<Object[]> asOf(LocalStores stores, int partition, boolean allowStandby, List<SeriesKey> series,
                                long millis, List<Object[]> rows, QueryContext ctx) {
        LatestHistory.Reader history = latest.history(stores, partition, allowStandby);
        Comparator<String> byPeriod = Comparator.comparing(Period::parse);
        for (SeriesKey s : series) {
            ctx.check();
            IndicatorObservation o = history.newestPeriod(s.getIndicator(), s.getRegion(), millis,
                    period -> frequency(period).equals(s.getFrequency()), byPeriod);
            if (o != null) {
                rows.add(ObservationColumns.row(o));
            }
        }
        return rows;
    }

    private byte[] prefix(LocalStores stores, String store, List<String> p) {
        Serializer<SeriesKey> serializer = current.keySerde().serializer();
        String topic = stores.changelogTopic(store);
        return p.size() == 1
                ? StoreKeys.prefix(serializer, topic, new SeriesKey(p.get(0), "", ""), 2)
                : StoreKeys.prefix(serializer, topic, new SeriesKey(p.get(0), p.get(1), ""), 1);
    }

    private static long count(KeyValueIterator<Bytes, byte[]> it, QueryContext ctx) {
        long n = 0;
        try (it) {
            while (it.hasNext()) {
                if ((n & 1023) == 0) {
                    ctx.check();
                }
                it.next();
                n++;
            }
        }
        return n;
    }

    /** The keys of {@code it} (the store's bytes), decoded as the store decodes them: its changelog topic's subject. */
    private void keys(KeyValueIterator<Bytes, byte[]> it, String topic, List<SeriesKey> out) {
        Deserializer<SeriesKey> keys = current.keySerde().deserializer();
        try (it) {
            while (it.hasNext()) {
                out.add(keys.deserialize(topic, it.next().key.get()));
            }
        }
    }
}
