package dev.almanac.query;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.CurrentValues;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.LatestHistory;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.StreamPartitioner;

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
        List<Object[]> rows = new ArrayList<>();
        // Keys and values are encoded for the store's changelog topic (see CurrentValues).
        CurrentValues layout = new CurrentValues(current, stores.changelogTopic(FoundationTopology.CURRENT_STORE));
        CurrentValues.Reader store = layout.reader(stores.keyValue(FoundationTopology.CURRENT_STORE, partition, allowStandby));
        // Adds a row; answers whether more are wanted (the request's limit, when it has one).
        Predicate<IndicatorObservation> add = o -> {
            if ((rows.size() & 1023) == 0) {
                ctx.check();
            }
            rows.add(ObservationColumns.row(o));
            return !request.enough(rows.size());
        };
        if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
            // The series of those regions, from the keys of the latest table's history (one prefix scan
            // per indicator); each one's current value is then a point read.
            LatestHistory.Reader history = latest.history(stores, partition, allowStandby);
            Set<SeriesKey> seen = new LinkedHashSet<>();
            for (String region : request.indexPrefixes()) {
                for (ObservationKey k : history.regionKeys(region)) {
                    seen.add(new SeriesKey(k.getIndicator(), k.getRegion(), frequency(k.getPeriod())));
                }
            }
            if (request.asOf() != null) {
                return asOf(stores, partition, allowStandby, new ArrayList<>(seen), request.asOf(), rows, ctx);
            }
            for (SeriesKey k : seen) {
                IndicatorObservation o = store.get(k);
                if (o != null && !add.test(o)) {
                    break;
                }
            }
            return rows;
        }
        if (request.asOf() == null && request.countOnly()) {
            // Only how many: the keys are counted, no value is decoded.
            long n = 0;
            if (request.fullScan()) {
                n += store.count(null);
            }
            for (List<String> p : request.prefixes()) {
                ctx.check();
                if (p.size() >= 3) {
                    n += store.contains(new SeriesKey(p.get(0), p.get(1), p.get(2))) ? 1 : 0;
                } else {
                    n += store.count(layout.prefix(p));
                }
            }
            return ReadRequest.counted(n);
        }
        if (request.asOf() == null) {
            if (request.enough(0)) {
                return rows;
            }
            if (request.fullScan()) {
                store.values(null, add);
            }
            for (List<String> p : request.prefixes()) {
                if (request.enough(rows.size())) {
                    break;
                }
                if (p.size() >= 3) {
                    IndicatorObservation o = store.get(new SeriesKey(p.get(0), p.get(1), p.get(2)));
                    if (o != null) {
                        add.test(o);
                    }
                } else {
                    store.values(layout.prefix(p), add);
                }
            }
            return rows;
        }
        // As of a time: every series that has a current value now (a superset of those that had one
        // then, since keys are never deleted), each answered from the latest table's history.
        List<SeriesKey> series = new ArrayList<>();
        if (request.fullScan()) {
            series.addAll(store.keys(null));
        }
        for (List<String> p : request.prefixes()) {
            if (p.size() >= 3) {
                series.add(new SeriesKey(p.get(0), p.get(1), p.get(2)));
            } else {
                series.addAll(store.keys(layout.prefix(p)));
            }
        }
        return asOf(stores, partition, allowStandby, series, request.asOf(), rows, ctx);
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
}
