package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class AsOfFilterTest {

    private static final AvroSerdes SERDES = new AvroSerdes(new LocalSchemaRegistry());
    private static final TopicCatalogue LIVE = TopicCatalogue.create("almanac", SERDES);

    private static final String ESTIMATE = line("a000-006", "gdp", "2025", "5万亿", "estimate", "2025-12-08");
    private static final String FINAL = line("a001-001", "gdp", "2025", "52073.4亿", "exact", "2026-01-21");
    private static final String LLM_132 = line("a002-059", "registered_llm_count", "asof:2025-06-23", "132", "exact", "2025-06-23");
    private static final String LLM_183 = line("a000-023", "registered_llm_count", "asof:2025-12-08", "183", "exact", "2025-12-08");
    private static final String LLM_209 = line("a003-075", "registered_llm_count", "asof:2025-12-31", "209", "exact", "2026-01-26");

    private static String line(String id, String indicator, String period, String value, String qualifier, String published) {
        return "{\"id\":\"" + id + "\",\"indicator\":\"" + indicator + "\",\"region\":\"CN-BJ\",\"period\":\"" + period
                + "\",\"value\":\"" + value + "\",\"unit\":\"" + (indicator.equals("gdp") ? "CNY" : "count")
                + "\",\"qualifier\":\"" + qualifier + "\",\"published\":\"" + published + "\",\"source\":\"t\"}";
    }

    private static Properties props() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "as-of-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return p;
    }

    /** Pipes lines (newest first, so the cutoff and not the arrival order decides) and returns the driver. */
    private static TopologyTestDriver run(Topology topology, TopicCatalogue topics, List<String> lines) {
        TopologyTestDriver driver = new TopologyTestDriver(topology, props());
        TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(topics.rawObservations().name(),
                new ByteArraySerializer(), new ByteArraySerializer());
        for (String l : lines) {
            raw.pipeInput(null, l.getBytes(StandardCharsets.UTF_8));
        }
        return driver;
    }

    private static final List<String> ALL = List.of(FINAL, LLM_209, ESTIMATE, LLM_183, LLM_132);
    private static final ObservationKey GDP = new ObservationKey("gdp", "CN-BJ", "2025");
    private static final SeriesKey LLM = new SeriesKey("registered_llm_count", "CN-BJ", "STOCK");

    @Test
    void shouldKeepTheOlderVintageWhenTheCutoffFallsBetweenTwoVintages() {
        Topology t = FoundationTopology.build(LIVE, Optional.of(Instant.parse("2026-01-01T23:59:59.999Z")));
        try (TopologyTestDriver d = run(t, LIVE, ALL)) {
            LatestHistory.Reader latest = HistoryReaders.of(d, LIVE);
            assertEquals("a000-006", latest.get(GDP, Long.MAX_VALUE).getId());
            assertEquals(5e12, latest.get(GDP, Long.MAX_VALUE).getValue());
            KeyValueStore<SeriesKey, IndicatorObservation> current = d.getKeyValueStore(FoundationTopology.CURRENT_STORE);
            assertEquals(183.0, current.get(LLM).getValue());
            KeyValueStore<String, Long> counts = d.getKeyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE);
            assertEquals(2, FoundationTopology.excludedByCutoff(counts));
            assertEquals(5, ValidationCounts.sum(counts).accepted());
            // The valid topic of a rebuild holds only what passed the cutoff.
            var valid = d.createOutputTopic(LIVE.validObservations().name(), LIVE.validObservations().keySerde().deserializer(),
                    LIVE.validObservations().valueSerde().deserializer()).readValuesToList();
            assertEquals(3, valid.size());
            assertTrue(valid.stream().noneMatch(o -> o.getPublished().isAfter(Instant.parse("2026-01-01T23:59:59.999Z"))));
        }
    }

    @Test
    void shouldIncludeTheWholeCutoffInstantWhenPublishedExactlyThen() {
        Topology t = FoundationTopology.build(LIVE, Optional.of(Instant.parse("2025-06-23T00:00:00Z")));
        try (TopologyTestDriver d = run(t, LIVE, ALL)) {
            KeyValueStore<SeriesKey, IndicatorObservation> current = d.getKeyValueStore(FoundationTopology.CURRENT_STORE);
            assertEquals(132.0, current.get(LLM).getValue());
            LatestHistory.Reader latest = HistoryReaders.of(d, LIVE);
            assertNull(latest.get(GDP, Long.MAX_VALUE), "no GDP figure had been published by then");
        }
    }

    @Test
    void shouldCountAsManyKeysAsTheWinnersAtEveryTimeAndPrefixWithoutDecoding() {
        try (TopologyTestDriver d = run(FoundationTopology.build(LIVE), LIVE, ALL)) {
            LatestHistory.Reader latest = HistoryReaders.of(d, LIVE);
            List<byte[]> prefixes = java.util.Arrays.asList(null, new byte[0], LatestHistory.indicatorPrefix("gdp"),
                    LatestHistory.seriesPrefix("registered_llm_count", "CN-BJ"), LatestHistory.indicatorPrefix("registered"),
                    LatestHistory.keyPrefix("gdp", "CN-BJ", "2025"));
            for (String at : List.of("2025-01-01T00:00:00Z", "2025-06-23T00:00:00Z", "2025-12-08T00:00:00Z", "2026-01-21T00:00:00Z")) {
                long t = Instant.parse(at).toEpochMilli();
                for (byte[] prefix : prefixes) {
                    List<IndicatorObservation> winners = new java.util.ArrayList<>();
                    latest.winners(prefix, t, winners::add);
                    assertEquals(winners.size(), latest.count(prefix, t), at);
                }
                List<IndicatorObservation> beijing = new java.util.ArrayList<>();
                latest.regionWinners("CN-BJ", t, beijing::add);
                assertEquals(beijing.size(), latest.regionCount("CN-BJ", t), at);
                assertEquals(0, latest.regionCount("CN-SH", t));
            }
            assertEquals(0, latest.count(null, Instant.parse("2025-01-01T00:00:00Z").toEpochMilli()));
            assertEquals(1, latest.count(null, Instant.parse("2025-06-23T00:00:00Z").toEpochMilli()));
            assertEquals(3, latest.count(null, Instant.parse("2025-12-08T00:00:00Z").toEpochMilli()));
            assertEquals(4, latest.count(null, Long.MAX_VALUE));
            assertEquals(latest.count(), latest.count(null, Long.MAX_VALUE));
        }
    }

    @Test
    void shouldKeepTheNewestVintageWhenThereIsNoCutoff() {
        Topology t = FoundationTopology.build(LIVE);
        assertFalse(t.describe().toString().contains(FoundationTopology.AS_OF_FILTER));
        try (TopologyTestDriver d = run(t, LIVE, ALL)) {
            LatestHistory.Reader latest = HistoryReaders.of(d, LIVE);
            assertEquals("a001-001", latest.get(GDP, Long.MAX_VALUE).getId());
            KeyValueStore<SeriesKey, IndicatorObservation> current = d.getKeyValueStore(FoundationTopology.CURRENT_STORE);
            assertEquals(209.0, current.get(LLM).getValue());
            assertEquals(0, FoundationTopology.excludedByCutoff(d.getKeyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE)));
        }
    }

    @Test
    void shouldReadLiveInputAndWriteUnderOwnPrefixWhenCatalogueTakesInputsFromLive() {
        TopicCatalogue shadow = TopicCatalogue.create("audit", SERDES).withInputsFrom(LIVE);
        assertEquals("almanac.observations.raw", shadow.rawObservations().name());
        assertEquals("audit.latest", shadow.latest().name());
        assertEquals("audit.observations.valid", shadow.validObservations().name());
        Topology t = FoundationTopology.build(shadow, Optional.of(Instant.parse("2026-01-01T23:59:59.999Z")));
        String described = t.describe().toString();
        assertTrue(described.contains("topics: [almanac.observations.raw]"), described);
        assertTrue(described.contains("Processor: " + FoundationTopology.AS_OF_FILTER), described);
        assertFalse(described.contains("almanac.latest"));
        try (TopologyTestDriver d = run(t, shadow, ALL)) {
            Map<ObservationKey, IndicatorObservation> out = d.createOutputTopic("audit.latest",
                    shadow.latest().keySerde().deserializer(), shadow.latest().valueSerde().deserializer()).readKeyValuesToMap();
            assertEquals("a000-006", out.get(GDP).getId());
        }
    }
}
