package dev.almanac.query;

import dev.almanac.foundation.RegionIndex;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.avro.SeriesPeriods;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * {@code current}: per (indicator, region, frequency) the latest vintage of the newest reference period.
 * As of a time D: for each period of the series (oldest to newest in the series-periods store), the
 * vintage valid at D from the versioned latest store; the newest period that had one wins.
 */
public final class CurrentTable implements TableDef {

    /** Locates a series the way {@link SeriesPartitioner} locates its observations. */
    static final StreamPartitioner<SeriesKey, Object> SERIES_KEY_PARTITIONER = (topic, key, value, n) ->
            Optional.of(Set.of(SeriesPartitioner.partition(key.getIndicator(), key.getRegion(), n)));

    private final Topic<ObservationKey, IndicatorObservation> valid;
    private final Topic<SeriesKey, IndicatorObservation> current;

    public CurrentTable(TopicCatalogue topics) {
        this.valid = topics.validObservations();
        this.current = topics.current();
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
    public List<Column> columns() {
        return ObservationColumns.COLUMNS;
    }

    @Override
    public List<String> keyColumns() {
        return List.of("indicator", "region", "frequency");
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
        return FoundationTopology.CURRENT_STORE;
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
        SeriesKey key = new SeriesKey(prefix.get(0), prefix.get(1), prefix.size() > 2 ? prefix.get(2) : "");
        return Optional.of(new KeyRoute<>(key, SERIES_KEY_PARTITIONER));
    }

    @Override
    public List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request) {
        QueryContext ctx = QueryContext.current();
        List<Object[]> rows = new ArrayList<>();
        if (request.fullScan() && !request.indexPrefixes().isEmpty()) {
            ReadOnlyKeyValueStore<String, IndicatorObservation> index =
                    stores.keyValue(RegionIndex.CURRENT_BY_REGION_STORE, partition, allowStandby);
            List<IndicatorObservation> found = new ArrayList<>();
            for (String prefix : request.indexPrefixes()) {
                try (KeyValueIterator<String, IndicatorObservation> it = index.prefixScan(prefix, new StringSerializer())) {
                    it.forEachRemaining(kv -> found.add(kv.value));
                }
            }
            if (request.asOf() == null) {
                found.forEach(o -> rows.add(ObservationColumns.row(o)));
                return rows;
            }
            ReadOnlyKeyValueStore<SeriesKey, SeriesPeriods> periods =
                    stores.keyValue(FoundationTopology.SERIES_PERIODS_STORE, partition, allowStandby);
            List<KeyValue<SeriesKey, SeriesPeriods>> series = new ArrayList<>();
            for (IndicatorObservation o : found) {
                SeriesKey k = new SeriesKey(o.getIndicator(), o.getRegion(), frequency(o));
                SeriesPeriods known = periods.get(k);
                if (known != null) {
                    series.add(KeyValue.pair(k, known));
                }
            }
            return asOf(stores, partition, allowStandby, series, request.asOf(), rows, ctx);
        }
        if (request.asOf() == null) {
            ReadOnlyKeyValueStore<SeriesKey, IndicatorObservation> store =
                    stores.keyValue(FoundationTopology.CURRENT_STORE, partition, allowStandby);
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
        ReadOnlyKeyValueStore<SeriesKey, SeriesPeriods> periods =
                stores.keyValue(FoundationTopology.SERIES_PERIODS_STORE, partition, allowStandby);
        List<KeyValue<SeriesKey, SeriesPeriods>> series = new ArrayList<>();
        if (request.fullScan()) {
            drain(periods.all(), series);
        }
        for (List<String> p : request.prefixes()) {
            if (p.size() >= 3) {
                SeriesKey k = new SeriesKey(p.get(0), p.get(1), p.get(2));
                SeriesPeriods known = periods.get(k);
                if (known != null) {
                    series.add(KeyValue.pair(k, known));
                }
            } else {
                drain(periods.prefixScan(prefix(stores, FoundationTopology.SERIES_PERIODS_STORE, p), StoreKeys.RAW), series);
            }
        }
        return asOf(stores, partition, allowStandby, series, request.asOf(), rows, ctx);
    }

    private static String frequency(IndicatorObservation o) {
        return dev.almanac.observation.Period.tryParse(o.getPeriod()).map(p -> p.frequency().name()).orElse("");
    }

    /** Per series, the vintage valid at {@code millis} of the newest period that had one. */
    private List<Object[]> asOf(LocalStores stores, int partition, boolean allowStandby, List<KeyValue<SeriesKey, SeriesPeriods>> series,
                                long millis, List<Object[]> rows, QueryContext ctx) {
        Instant asOf = Instant.ofEpochMilli(millis);
        for (KeyValue<SeriesKey, SeriesPeriods> s : series) {
            List<String> known = s.value.getPeriods();
            // Oldest to newest: the first hit walking backwards is the newest period published by then.
            for (int i = known.size() - 1; i >= 0; i--) {
                ctx.check();
                ObservationKey key = new ObservationKey(s.key.getIndicator(), s.key.getRegion(), known.get(i));
                VersionedRecord<IndicatorObservation> r = stores.query(FoundationTopology.LATEST_STORE, partition, allowStandby,
                        VersionedKeyQuery.<ObservationKey, IndicatorObservation>withKey(key).asOf(asOf));
                if (r != null) {
                    rows.add(ObservationColumns.row(r.value()));
                    break;
                }
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

    private static void drain(KeyValueIterator<SeriesKey, SeriesPeriods> it, List<KeyValue<SeriesKey, SeriesPeriods>> out) {
        try (it) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
    }

    @Override
    public Optional<ChangeFeed<?>> changes() {
        return Optional.of(new ChangeFeed<IndicatorObservation>(current.name(), current.valueSerde().deserializer(), ObservationColumns::row));
    }
}
