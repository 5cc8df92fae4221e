package dev.almanac.derived.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.derived.DerivedInputs;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.SeriesSnapshot;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Published;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scan skips a change already in the last snapshot it forwarded for the series: what a record cache
 * flush delivers after the first scan of a series has seen all its changes.
 */
class SeriesScanMemoryTest {

    private final TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
    private final Topic<ObservationKey, IndicatorObservation> latestTopic = topics.latest();
    private MockProcessorContext<String, SeriesSnapshot> context;
    private TimestampedKeyValueStore<ObservationKey, IndicatorObservation> store;
    private SeriesScanProcessor scan;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        store = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore("latest-store"),
                latestTopic.keySerde(), latestTopic.valueSerde()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        scan = new SeriesScanProcessor("latest-store",
                DerivedInputs.seriesPrefix(latestTopic.keySerde().serializer(), latestTopic.name()));
        scan.init(context);
    }

    private static IndicatorObservation obs(String id, String region, String period, double value) {
        return IndicatorObservation.newBuilder()
                .setId(id).setIndicator("gdp").setRegion(region).setPeriod(period).setValue(value).setUnit("CNY")
                .setQualifier(Qualifier.exact).setPublished(Published.parse("2026-01-01")).setSource("test").build();
    }

    private static ObservationKey key(IndicatorObservation o) {
        return new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod());
    }

    /** Writes to the store, as the latest table does before its cache forwards. */
    private void write(IndicatorObservation o) {
        store.put(key(o), ValueAndTimestamp.make(o, 0L));
    }

    private void forward(IndicatorObservation o) {
        scan.process(new Record<>(key(o), o, 0L));
    }

    private List<String> forwardedIds() {
        List<String> ids = context.forwarded().stream()
                .map(f -> String.join(",", f.record().value().getPoints().stream().map(SeriesPoint::getId).toList()))
                .toList();
        context.resetForwards();
        return ids;
    }

    @Test
    void shouldSkipChangesAlreadyInTheSnapshotWhenACacheFlushDeliversThemAfterTheFirstScan() {
        IndicatorObservation y24 = obs("a", "CN-BJ", "2024", 1);
        IndicatorObservation y25 = obs("b", "CN-BJ", "2025", 2);
        write(y24);
        write(y25);
        forward(y24);
        forward(y25);
        assertEquals(List.of("a,b"), forwardedIds(), "one scan sees both changes; the second change is skipped");
    }

    @Test
    void shouldScanAgainWhenAChangeIsNotInTheLastSnapshot() {
        IndicatorObservation y24 = obs("a", "CN-BJ", "2024", 1);
        IndicatorObservation y25 = obs("b", "CN-BJ", "2025", 2);
        write(y24);
        forward(y24);
        write(y25);
        forward(y25);
        IndicatorObservation revised = obs("b2", "CN-BJ", "2025", 3);
        write(revised);
        forward(revised);
        assertEquals(List.of("a", "a,b", "a,b2"), forwardedIds());

        store.delete(key(y24));
        scan.process(new Record<>(key(y24), null, 0L));
        scan.process(new Record<>(key(y24), null, 0L));
        assertEquals(List.of("b2"), forwardedIds(), "a deletion is scanned once, then known");
    }

    @Test
    void shouldRememberEachSeriesApart() {
        IndicatorObservation bj = obs("bj", "CN-BJ", "2025", 1);
        IndicatorObservation hd = obs("hd", "CN-BJ-HD", "2025", 2);
        write(bj);
        write(hd);
        forward(bj);
        forward(hd);
        forward(bj);
        assertEquals(List.of("bj", "hd"), forwardedIds());
    }

    @Test
    void shouldForgetTheLeastRecentlyUsedSeriesWhenOverItsBound() {
        SeriesScanProcessor.LastSnapshots last = new SeriesScanProcessor.LastSnapshots(5);
        SeriesPoint p = new SeriesPoint("x", "2025", 1.0, "CNY", Qualifier.exact, Published.parse("2026-01-01"), List.of());
        last.put("gdp|A", Map.of("2023", p, "2024", p));
        last.put("gdp|B", Map.of("2023", p, "2024", p));
        last.get("gdp|A");
        last.put("gdp|C", Map.of("2025", p, "2026", p));
        assertNull(last.get("gdp|B"), "B was used least recently");
        assertTrue(last.points() <= 5);
        assertEquals(2, last.series());
        last.put("gdp|A", Map.of("2025", p));
        assertEquals(3, last.points(), "a replaced snapshot counts once");
    }
}
