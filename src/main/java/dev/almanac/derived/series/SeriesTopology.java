package dev.almanac.derived.series;

import dev.almanac.avro.DerivedPeriodValue;
import dev.almanac.avro.GrowthRate;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesPeriods;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.SeriesSnapshot;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Tables computed within one (indicator, region) series: de-cumulated periods and year-over-year
 * growth. The latest table is regrouped by series into a snapshot (latest value of every period; the
 * aggregation's subtractor makes revisions replace, never add), and each new snapshot is turned into
 * rows by a pure function ({@link PeriodAlgebra}, {@link YearOverYear}).
 *
 * <pre>
 * latest ─filter─▶ group by series ─▶ snapshot store ─▶ derive ─▶ &lt;prefix&gt;.&lt;name&gt; (+ &lt;name&gt;-store)
 * </pre>
 */
public final class SeriesTopology {

    private SeriesTopology() {
    }

    public static Topic<ObservationKey, DerivedPeriodValue> topic(TopicCatalogue topics, TableDefinition.Periods def) {
        return topics.derived(def.name(), null, topics.latest().keySerde(), topics.serdes().specific(DerivedPeriodValue.class, false));
    }

    public static Topic<ObservationKey, GrowthRate> topic(TopicCatalogue topics, TableDefinition.Growth def) {
        return topics.derived(def.name(), null, topics.latest().keySerde(), topics.serdes().specific(GrowthRate.class, false));
    }

    /** Name of a series table's queryable store: (indicator, region, period) → row. */
    public static String store(TableDefinition def) {
        return def.name() + "-store";
    }

    public static void addTo(DerivedInputs sources, TableDefinition.Periods def) {
        add(sources, def.name(), def.indicators(), topic(sources.topics(), def), PeriodAlgebraRows::rows);
    }

    public static void addTo(DerivedInputs sources, TableDefinition.Growth def) {
        add(sources, def.name(), def.indicators(), topic(sources.topics(), def), snapshot -> growthRows(snapshot, def));
    }

    static Map<String, GrowthRate> growthRows(SeriesSnapshot snapshot, TableDefinition.Growth def) {
        List<SeriesPoint> points = new ArrayList<>(snapshot.getPoints());
        if (def.includeDerivedPeriods()) {
            PeriodAlgebra.decumulate(snapshot.getPoints()).forEach(d -> points.add(d.point()));
        }
        Map<String, GrowthRate> rows = new LinkedHashMap<>();
        for (GrowthRate g : YearOverYear.compute(snapshot.getIndicator(), snapshot.getRegion(), points, def.frequencies())) {
            rows.put(g.getPeriod(), g);
        }
        return rows;
    }

    /** The de-cumulated rows of a snapshot, keyed by period. */
    static final class PeriodAlgebraRows {
        private PeriodAlgebraRows() {
        }

        static Map<String, DerivedPeriodValue> rows(SeriesSnapshot s) {
            Map<String, DerivedPeriodValue> rows = new LinkedHashMap<>();
            for (PeriodAlgebra.Derived d : PeriodAlgebra.decumulate(s.getPoints())) {
                SeriesPoint p = d.point();
                rows.put(p.getPeriod(), DerivedPeriodValue.newBuilder()
                        .setIndicator(s.getIndicator())
                        .setRegion(s.getRegion())
                        .setPeriod(p.getPeriod())
                        .setValue(p.getValue())
                        .setUnit(p.getUnit())
                        .setQualifier(p.getQualifier())
                        .setFormula(d.formula())
                        .setInputIds(p.getInputIds())
                        .setPublished(p.getPublished())
                        .setDerived(true)
                        .build());
            }
            return rows;
        }
    }

    private static <V extends SpecificRecord> void add(DerivedInputs sources, String n, Set<String> indicators,
                                                        Topic<ObservationKey, V> out,
                                                        Function<SeriesSnapshot, Map<String, V>> derive) {
        TopicCatalogue topics = sources.topics();
        Serde<SeriesPoint> pointSerde = topics.serdes().specific(SeriesPoint.class, false);
        Serde<SeriesSnapshot> snapshotSerde = topics.serdes().specific(SeriesSnapshot.class, false);

        KTable<String, SeriesSnapshot> series = sources.latest(indicators)
                .filter((k, v) -> indicators.contains(k.getIndicator()), Named.as(n + "-select"))
                .groupBy((k, v) -> KeyValue.pair(seriesKey(k.getIndicator(), k.getRegion()), SeriesPoints.of(v)),
                        Grouped.with(n + "-by-series", Serdes.String(), pointSerde))
                .aggregate(() -> new SeriesSnapshot("", "", List.of()),
                        (key, point, snapshot) -> withPoint(key, snapshot, point),
                        (key, point, snapshot) -> withoutPoint(key, snapshot, point),
                        Named.as(n + "-series"),
                        Materialized.<String, SeriesSnapshot, KeyValueStore<Bytes, byte[]>>as(n + "-series-store")
                                .withKeySerde(Serdes.String()).withValueSerde(snapshotSerde));

        sources.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(n + "-store"),
                out.keySerde(), out.valueSerde()));
        sources.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(n + "-emitted-store"),
                Serdes.String(), topics.serdes().specific(SeriesPeriods.class, false)));

        series.toStream(Named.as(n + "-series-changes"))
                .process(() -> new SeriesDerivationProcessor<>(n + "-store", n + "-emitted-store", derive),
                        Named.as(n + "-derive"), n + "-store", n + "-emitted-store")
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName(n + "-sink"));
    }

    static String seriesKey(String indicator, String region) {
        return indicator + "|" + region;
    }

    static String[] splitSeriesKey(String key) {
        int bar = key.indexOf('|');
        return new String[] {key.substring(0, bar), key.substring(bar + 1)};
    }

    private static SeriesSnapshot withPoint(String key, SeriesSnapshot snapshot, SeriesPoint point) {
        String[] series = splitSeriesKey(key);
        List<SeriesPoint> points = new ArrayList<>(snapshot.getPoints().size() + 1);
        for (SeriesPoint p : snapshot.getPoints()) {
            if (!p.getPeriod().equals(point.getPeriod())) {
                points.add(p);
            }
        }
        // Snapshots are kept in period order: insert by binary search (O(log n) period parses) instead of
        // re-sorting the series with two regex parses per comparison on every change.
        Period period = Period.parse(point.getPeriod());
        int lo = 0;
        int hi = points.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Period.parse(points.get(mid).getPeriod()).compareTo(period) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        points.add(lo, point);
        return new SeriesSnapshot(series[0], series[1], points);
    }

    private static SeriesSnapshot withoutPoint(String key, SeriesSnapshot snapshot, SeriesPoint point) {
        String[] series = splitSeriesKey(key);
        List<SeriesPoint> points = new ArrayList<>();
        for (SeriesPoint p : snapshot.getPoints()) {
            // Only the exact point being retracted goes: if the adder already put its successor, keep that.
            if (!(p.getPeriod().equals(point.getPeriod()) && p.getId().equals(point.getId()))) {
                points.add(p);
            }
        }
        return new SeriesSnapshot(series[0], series[1], points);
    }
}
