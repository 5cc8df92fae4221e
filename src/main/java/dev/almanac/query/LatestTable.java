package dev.almanac.query;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import dev.almanac.foundation.LatestHistory;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code latest}: per (indicator, region, period) the winning vintage, now or as of a time, from the
 * latest table's history store (see {@link LatestHistory}).
 */
final class LatestTable extends ObservationTable {

    LatestTable(TopicCatalogue topics) {
        super(topics.validObservations(), topics.latest());
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
    public List<String> keyColumns() {
        return List.of("indicator", "region", "period");
    }

    @Override
    public String routingStore() {
        return FoundationTopology.LATEST_HISTORY_STORE;
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
        long asOf = request.asOf() == null ? Long.MAX_VALUE : request.asOf();
        LatestHistory.Reader history = history(stores, partition, allowStandby);
        if (request.countOnly()) {
            return ReadRequest.counted(count(history, request, asOf, ctx));
        }
        Consumer<IndicatorObservation> add = o -> {
            if ((rows.size() & 1023) == 0) {
                ctx.check();
            }
            rows.add(ObservationColumns.row(o));
        };
        if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
            for (String region : request.indexPrefixes()) {
                history.regionWinners(region, asOf, add);
            }
            return rows;
        }
        if (request.fullScan()) {
            history.winners(null, asOf, add);
        }
        for (List<String> p : request.prefixes()) {
            if (p.size() >= 3) {
                IndicatorObservation o = history.get(new ObservationKey(p.get(0), p.get(1), p.get(2)), asOf);
                if (o != null) {
                    add.accept(o);
                }
            } else {
                history.winners(prefix(p), asOf, add);
            }
        }
        return rows;
    }

    /** How many rows {@link #readPartition} would read, from the history's keys alone (no observation decoded). */
    private static long count(LatestHistory.Reader history, ReadRequest request, long asOf, QueryContext ctx) {
        long n = 0;
        if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
            for (String region : request.indexPrefixes()) {
                ctx.check();
                n += history.regionCount(region, asOf);
            }
            return n;
        }
        if (request.fullScan()) {
            n += history.count(null, asOf);
        }
        for (List<String> p : request.prefixes()) {
            ctx.check();
            n += history.count(p.size() >= 3 ? LatestHistory.keyPrefix(p.get(0), p.get(1), p.get(2)) : prefix(p), asOf);
        }
        return n;
    }

    /** The history store of one partition, decoded as the valid topic is. */
    LatestHistory.Reader history(LocalStores stores, int partition, boolean allowStandby) {
        ReadOnlyKeyValueStore<Bytes, byte[]> store = stores.keyValue(FoundationTopology.LATEST_HISTORY_STORE, partition, allowStandby);
        return new LatestHistory.Reader(store, valid.valueSerde().deserializer(), valid.name());
    }

    /**
     * The keys a request covers: point keys as given; prefixes, index prefixes and full scans from the
     * history and the region index (keys are never deleted, so every key that ever had a vintage is there).
     */
    List<ObservationKey> keys(LocalStores stores, int partition, boolean allowStandby, ReadRequest request, QueryContext ctx) {
        List<ObservationKey> keys = new ArrayList<>();
        LatestHistory.Reader history = history(stores, partition, allowStandby);
        if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
            for (String region : request.indexPrefixes()) {
                keys.addAll(history.regionKeys(region));
            }
            return keys;
        }
        if (request.fullScan()) {
            keys.addAll(history.keys(new byte[0]));
        }
        for (List<String> p : request.prefixes()) {
            ctx.check();
            if (p.size() >= 3) {
                keys.add(new ObservationKey(p.get(0), p.get(1), p.get(2)));
            } else {
                keys.addAll(history.keys(prefix(p)));
            }
        }
        return keys;
    }

    static byte[] prefix(List<String> p) {
        return p.size() == 1 ? LatestHistory.indicatorPrefix(p.get(0)) : LatestHistory.seriesPrefix(p.get(0), p.get(1));
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
}
