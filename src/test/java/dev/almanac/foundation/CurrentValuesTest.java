package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Period;
import dev.almanac.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The current-value store as raw bytes: what it holds, what it wrote before, and reads that decode only what they return. */
class CurrentValuesTest {

    private final String app = "current-values-test-" + UUID.randomUUID();
    private TopicCatalogue topics;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;

    @BeforeEach
    void setUp() {
        topics = Fixtures.catalogue();
        driver = FoundationTopologyTest.newDriver(topics, app);
        raw = driver.createInputTopic(topics.rawObservations().name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String id, String indicator, String region, String period, String value, String published) {
        raw.pipeInput(null, Fixtures.json(id, indicator, region, period, value, published).getBytes(StandardCharsets.UTF_8));
    }

    private CurrentValues.Reader current() {
        return CurrentReaders.of(driver, topics, app);
    }

    @Test
    void shouldKeepTheNewestPeriodsLatestVintageWhateverTheArrivalOrder() {
        send("q3", "gdp", "CN", "2025-Q3", "3", "2025-10-20");
        send("q4", "gdp", "CN", "2025-Q4", "4", "2026-01-20");
        send("q2", "gdp", "CN", "2025-Q2", "2", "2025-07-15");
        send("q4-revised", "gdp", "CN", "2025-Q4", "4.1", "2026-02-20");
        send("q3-revised", "gdp", "CN", "2025-Q3", "3.1", "2026-03-01");
        send("a", "gdp", "CN", "2025", "10", "2026-01-25");
        assertEquals("q4-revised", current().get(new SeriesKey("gdp", "CN", "Q")).getId(),
                "a later revision of an older period does not displace the newest period");
        assertEquals("a", current().get(new SeriesKey("gdp", "CN", "A")).getId(), "each frequency is a series of its own");
        assertNull(current().get(new SeriesKey("gdp", "CN", "M")));
    }

    @Test
    void shouldFollowTheLatestTablesTieRuleWhenVintagesArePublishedAtTheSameTime() {
        send("b", "gdp", "CN", "2025", "2", "2026-01-01");
        send("a", "gdp", "CN", "2025", "1", "2026-01-01");
        assertEquals("b", current().get(new SeriesKey("gdp", "CN", "A")).getId(), "of two vintages published at once, the greater id");
        send("c", "gdp", "CN", "2025", "3", "2026-01-01");
        assertEquals("c", current().get(new SeriesKey("gdp", "CN", "A")).getId());
    }

    @Test
    void shouldScanExactlyTheKeysOfAnIndicatorOrSeriesWhenOtherNamesStartTheSame() {
        send("1", "gdp", "CN", "2025", "1", "2026-01-01");
        send("2", "gdp", "CN-BJ", "2025", "1", "2026-01-01");
        send("3", "gdp", "CN", "2025-Q4", "1", "2026-01-01");
        send("4", "gdp_growth", "CN", "2025", "1", "2026-01-01");
        send("5", "gdpx", "CN", "2025", "1", "2026-01-01");
        CurrentValues layout = new CurrentValues(topics.current(), CurrentValues.changelogTopic(app));
        List<String> gdp = new ArrayList<>();
        current().values(layout.prefix(List.of("gdp")), o -> gdp.add(o.getId()));
        assertEquals(List.of("1", "3", "2"), gdp, "key order: region CN before CN-BJ, and A before Q within a series");
        List<String> cn = new ArrayList<>();
        current().values(layout.prefix(List.of("gdp", "CN")), o -> cn.add(o.getId()));
        assertEquals(List.of("1", "3"), cn, "CN-BJ is not under CN");
        assertEquals(3, current().count(layout.prefix(List.of("gdp"))));
        assertEquals(2, current().count(layout.prefix(List.of("gdp", "CN"))));
        assertEquals(0, current().count(layout.prefix(List.of("gd"))));
        assertEquals(5, current().count(null));
        assertEquals(List.of(new SeriesKey("gdp", "CN", "A"), new SeriesKey("gdp", "CN", "Q")), current().keys(layout.prefix(List.of("gdp", "CN"))));
    }

    @Test
    void shouldDecodeNoValueToCountAndOnlyTheValuesItReturnsToScan() {
        for (int region = 0; region < 5; region++) {
            send("v" + region, "gdp", "CN-" + region, "2025", "1", "2026-01-01");
        }
        AtomicInteger decoded = new AtomicInteger();
        Deserializer<IndicatorObservation> inner = topics.current().valueSerde().deserializer();
        Deserializer<IndicatorObservation> counting = (topic, bytes) -> {
            decoded.incrementAndGet();
            return inner.deserialize(topic, bytes);
        };
        Topic<SeriesKey, IndicatorObservation> t = topics.current();
        CurrentValues layout = new CurrentValues(new Topic<>(t.name(), t.keySerde(),
                Serdes.serdeFrom(t.valueSerde().serializer(), counting), t.compacted()), CurrentValues.changelogTopic(app));
        CurrentValues.Reader reader = layout.reader(driver.getKeyValueStore(FoundationTopology.CURRENT_STORE));
        assertEquals(5, reader.count(null));
        assertEquals(5, reader.keys(null).size());
        assertTrue(reader.contains(new SeriesKey("gdp", "CN-3", "A")));
        assertFalse(reader.contains(new SeriesKey("gdp", "CN-3", "Q")));
        assertEquals(0, decoded.get(), "counting, listing keys and checking presence decode no value");
        List<String> firstTwo = new ArrayList<>();
        reader.values(null, o -> {
            firstTwo.add(o.getRegion());
            return firstTwo.size() < 2;
        });
        assertEquals(List.of("CN-0", "CN-1"), firstTwo);
        assertEquals(2, decoded.get(), "a scan that stops after two rows decodes two values");
    }

    /**
     * The store held typed keys and values before it held raw bytes: Kafka Streams encoded them with the
     * current topic's serdes for the store's changelog topic. The raw store must write the same bytes, so
     * that a store restored from an older changelog (or kept on disk) reads as one it built itself.
     */
    @Test
    void shouldWriteTheChangelogTheTypedStoreWroteSoOlderStateReadsTheSame() {
        send("m1", "registered_llm_count", "CN-BJ", "asof:2025-06-23", "132", "2025-06-23");
        send("m3", "registered_llm_count", "CN-BJ", "asof:2025-12-31", "209", "2026-01-26");
        send("g", "gdp", "CN-BJ", "2025", "5.2", "2026-01-20");
        send("m2", "registered_llm_count", "CN-BJ", "asof:2025-12-08", "183", "2025-12-08");
        List<TestRecord<byte[], byte[]>> written = changelog(driver, app);
        List<TestRecord<ObservationKey, IndicatorObservation>> changes = driver.createOutputTopic(topics.latest().name(),
                topics.latest().keySerde().deserializer(), topics.latest().valueSerde().deserializer()).readRecordsToList();

        String typedApp = "typed-current-store-" + UUID.randomUUID();
        try (TopologyTestDriver typed = new TopologyTestDriver(typedStore(topics), props(typedApp))) {
            TestInputTopic<ObservationKey, IndicatorObservation> in = typed.createInputTopic(topics.latest().name(),
                    topics.latest().keySerde().serializer(), topics.latest().valueSerde().serializer());
            changes.forEach(r -> in.pipeInput(r.key(), r.value()));
            // What a restore rebuilds from each changelog: the last value of every key.
            Map<Bytes, Bytes> typedRestored = restored(changelog(typed, typedApp));
            Map<Bytes, Bytes> restored = restored(written);
            assertEquals(2, restored.size());
            assertEquals(typedRestored, restored);
        }
        assertEquals(209.0, current().get(new SeriesKey("registered_llm_count", "CN-BJ", "STOCK")).getValue());
    }

    private static Map<Bytes, Bytes> restored(List<TestRecord<byte[], byte[]>> changelog) {
        Map<Bytes, Bytes> last = new HashMap<>();
        changelog.forEach(r -> last.put(Bytes.wrap(r.key()), Bytes.wrap(r.value())));
        return last;
    }

    private static List<TestRecord<byte[], byte[]>> changelog(TopologyTestDriver d, String applicationId) {
        return d.createOutputTopic(CurrentValues.changelogTopic(applicationId), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer()).readRecordsToList();
    }

    private static Properties props(String applicationId) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/almanac-tests");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return p;
    }

    /** The current store as it was declared before it held raw bytes: typed, cached, fed the latest table's changes. */
    private static Topology typedStore(TopicCatalogue topics) {
        Topology t = new Topology();
        var latest = topics.latest();
        var current = topics.current();
        t.addSource("latest-changes", latest.keySerde().deserializer(), latest.valueSerde().deserializer(), latest.name());
        t.addProcessor("typed-current", TypedCurrent::new, "latest-changes");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FoundationTopology.CURRENT_STORE),
                current.keySerde(), current.valueSerde()).withCachingEnabled(), "typed-current");
        return t;
    }

    /** The current processor as it was with a typed store. */
    private static final class TypedCurrent implements Processor<ObservationKey, IndicatorObservation, Void, Void> {
        private KeyValueStore<SeriesKey, IndicatorObservation> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(FoundationTopology.CURRENT_STORE);
        }

        @Override
        public void process(Record<ObservationKey, IndicatorObservation> r) {
            Period period = Period.parse(r.key().getPeriod());
            SeriesKey series = new SeriesKey(r.key().getIndicator(), r.key().getRegion(), period.frequency().name());
            IndicatorObservation existing = store.get(series);
            if (existing == null || period.compareTo(Period.parse(existing.getPeriod())) >= 0) {
                store.put(series, r.value());
            }
        }
    }
}
