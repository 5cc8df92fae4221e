package dev.almanac.derived.series;

import dev.almanac.avro.DerivedPeriodValue;
import dev.almanac.avro.GrowthRate;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesPeriods;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.SeriesSnapshot;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Tables computed within one (indicator, region) series: de-cumulated periods and year-over-year
 * growth. On each change of the latest table, the changed series is read whole (latest value of every
 * period) from the latest table's own store with one prefix scan, and the snapshot is turned into rows by
 * a pure function ({@link PeriodAlgebra}, {@link YearOverYear}); only rows that differ from what the table
 * emitted before are written.
 *
 * <pre>
 * latest ─filter─▶ scan series (derived-latest-store) ─┬▶ derive ─▶ &lt;prefix&gt;.&lt;name&gt; (+ &lt;name&gt;-store)
 *                                                      └▶ derive ─▶ (another table with the same indicators)
 * </pre>
 *
 * No repartition and no series store: the foundation writes the latest topic with
 * {@link dev.almanac.kafka.SeriesPartitioner}, so every period of a series is in one partition, and the
 * store of the latest table, which the derived application keeps anyway, holds the whole series.
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
        sources.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(n + "-store"),
                out.keySerde(), out.valueSerde()));
        sources.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(n + "-emitted-store"),
                Serdes.String(), topics.serdes().specific(SeriesPeriods.class, false)));

        snapshots(sources, indicators)
                .process(() -> new SeriesDerivationProcessor<>(n + "-store", n + "-emitted-store", derive),
                        Named.as(n + "-derive"), n + "-store", n + "-emitted-store")
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName(n + "-sink"));
    }

    /**
     * The snapshot of each changed series of {@code indicators}, read from the latest table's store: one
     * scan per change, shared by every series table with the same indicators (its nodes are named after
     * them, {@code series-<indicators>-...}).
     */
    static KStream<String, SeriesSnapshot> snapshots(DerivedInputs sources, Set<String> indicators) {
        String base = "series-" + String.join("-", new TreeSet<>(indicators));
        return sources.shared(base, () -> {
            Topic<ObservationKey, IndicatorObservation> latest = sources.topics().latest();
            Serializer<ObservationKey> prefix = DerivedInputs.seriesPrefix(latest.keySerde().serializer(), latest.name());
            return sources.latest(indicators)
                    .toStream(Named.as(base + "-changes"))
                    .filter((k, v) -> indicators.contains(k.getIndicator()), Named.as(base + "-select"))
                    .process(() -> new SeriesScanProcessor(DerivedInputs.LATEST_STORE, prefix), Named.as(base + "-scan"),
                            DerivedInputs.LATEST_STORE);
        });
    }

    static String seriesKey(String indicator, String region) {
        return indicator + "|" + region;
    }

    static String[] splitSeriesKey(String key) {
        int bar = key.indexOf('|');
        return new String[] {key.substring(0, bar), key.substring(bar + 1)};
    }
}
