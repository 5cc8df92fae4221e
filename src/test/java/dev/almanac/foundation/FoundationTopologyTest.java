package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.DeadLetters;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FoundationTopologyTest {

    private TopicCatalogue topics;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<ObservationKey, IndicatorObservation> valid;
    private TestOutputTopic<byte[], byte[]> rejected;
    private TestOutputTopic<ObservationKey, IndicatorObservation> latest;
    private TestOutputTopic<SeriesKey, IndicatorObservation> current;

    @BeforeEach
    void setUp() {
        topics = Fixtures.catalogue();
        driver = newDriver(topics);
        raw = driver.createInputTopic(topics.rawObservations().name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        valid = output(topics.validObservations());
        rejected = driver.createOutputTopic(topics.rejectedObservations().name(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        latest = output(topics.latest());
        current = output(topics.current());
    }

    static TopologyTestDriver newDriver(TopicCatalogue topics) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "foundation-test-" + java.util.UUID.randomUUID());
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/almanac-tests");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(FoundationTopology.build(topics), p);
    }

    private <K, V> TestOutputTopic<K, V> output(dev.almanac.kafka.Topic<K, V> t) {
        return driver.createOutputTopic(t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String json) {
        raw.pipeInput(null, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldNormalizeMultiplierAndKeyBySeriesWhenJsonIsValid() {
        send("{\"id\":\"g1\",\"indicator\":\"gdp\",\"region\":\"CN-BJ\",\"period\":\"2025\",\"value\":\"52073.4亿\",\"unit\":\"CNY\","
                + "\"published\":\"2026-01-21\",\"source\":\"001.txt\",\"quote\":\"实现全年地区生产总值52073.4亿元\"}");
        TestRecord<ObservationKey, IndicatorObservation> r = valid.readRecord();
        assertEquals(new ObservationKey("gdp", "CN-BJ", "2025"), r.key());
        assertEquals(5.20734e12, r.value().getValue(), 1.0);
        assertEquals("52073.4亿", r.value().getValueText());
        assertEquals(Qualifier.exact, r.value().getQualifier());
        assertEquals(Instant.parse("2026-01-21T00:00:00Z"), r.getRecordTime());
        assertTrue(rejected.isEmpty());
    }

    @Test
    void shouldAcceptConfluentAvroWhenRecordIsFramed() {
        IndicatorObservation o = observation("a1", "2025", 132, "2025-06-23T00:00:00Z");
        byte[] framed = topics.validObservations().valueSerde().serializer().serialize(topics.rawObservations().name(), o);
        raw.pipeInput(null, framed);
        assertEquals(o, valid.readValue());
    }

    static Stream<Arguments> badRecords() {
        String ok = "\"indicator\":\"gdp\",\"region\":\"CN-BJ\",\"period\":\"2025\",\"value\":1,\"unit\":\"CNY\",\"published\":\"2026-01-21\",\"source\":\"s\"";
        return Stream.of(
                Arguments.of("undecodable bytes", "\u0001\u0002 not json", "UNDECODABLE", null),
                Arguments.of("truncated json", "{\"indicator\":", "UNDECODABLE", null),
                Arguments.of("missing region", "{" + ok.replace("\"region\":\"CN-BJ\",", "") + "}", "MISSING_FIELD", "region"),
                Arguments.of("missing source", "{" + ok.replace(",\"source\":\"s\"", "") + "}", "MISSING_FIELD", "source"),
                Arguments.of("bad region", "{" + ok.replace("CN-BJ", "beijing") + "}", "BAD_REGION", "region"),
                Arguments.of("bad period", "{" + ok.replace("\"2025\"", "\"2025-Q5\"") + "}", "BAD_PERIOD", "period"),
                Arguments.of("bad published", "{" + ok.replace("2026-01-21", "21/01/2026") + "}", "BAD_PUBLISHED", "published"),
                Arguments.of("published in the future", "{" + ok.replace("2026-01-21", "2999-01-01") + "}", "BAD_PUBLISHED", "published"),
                Arguments.of("unknown unit", "{" + ok.replace("CNY", "bananas") + "}", "UNKNOWN_UNIT", "unit"),
                Arguments.of("bad value", "{" + ok.replace("\"value\":1", "\"value\":\"lots\"") + "}", "BAD_VALUE", "value"),
                Arguments.of("negative count", "{" + ok.replace("\"value\":1", "\"value\":-3").replace("CNY", "count") + "}", "NEGATIVE_VALUE", "value"),
                Arguments.of("bad qualifier", "{" + ok + ",\"qualifier\":\"roughly\"}", "BAD_QUALIFIER", "qualifier"),
                Arguments.of("bad indicator", "{" + ok.replace("\"gdp\"", "\"GDP Total\"") + "}", "BAD_INDICATOR", "indicator"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void shouldDeadLetterOriginalBytesWithReasonWhenRecordIsBad(String name, String payload, String reason, String field) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        raw.pipeInput(null, bytes);
        assertTrue(valid.isEmpty());
        TestRecord<byte[], byte[]> dead = rejected.readRecord();
        assertArrayEquals(bytes, dead.value());
        assertEquals(reason, header(dead, DeadLetters.H_REASON));
        assertEquals(field, header(dead, DeadLetters.H_FIELD));
        assertNotNull(header(dead, DeadLetters.H_MESSAGE));
        assertEquals(topics.rawObservations().name(), header(dead, DeadLetters.H_TOPIC));
        assertEquals("0", header(dead, DeadLetters.H_PARTITION));
        assertEquals("0", header(dead, DeadLetters.H_OFFSET));
    }

    @Test
    void shouldRejectNonFiniteValueWhenAvroCarriesNaN() {
        IndicatorObservation o = observation("n1", "2025", Double.NaN, "2025-06-23T00:00:00Z");
        raw.pipeInput(null, topics.validObservations().valueSerde().serializer().serialize("x", o));
        assertEquals("NON_FINITE_VALUE", header(rejected.readRecord(), DeadLetters.H_REASON));
        o.setValue(Double.POSITIVE_INFINITY);
        raw.pipeInput(null, topics.validObservations().valueSerde().serializer().serialize("x", o));
        assertEquals("NON_FINITE_VALUE", header(rejected.readRecord(), DeadLetters.H_REASON));
    }

    @Test
    void shouldRejectUnknownSchemaIdWhenFramedBytesAreForeign() {
        raw.pipeInput(null, new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 4});
        assertEquals("UNDECODABLE", header(rejected.readRecord(), DeadLetters.H_REASON));
    }

    @Test
    void shouldCountEveryRecordAsAcceptedOrRejectedWhenInputIsMixed() {
        send(Fixtures.json("a", "x", "CN", "2025", "1", "2025-01-01"));
        send("garbage");
        send(Fixtures.json("b", "x", "CN", "2024", "1", "2025-01-01"));
        send(Fixtures.json("c", "x", "??", "2024", "1", "2025-01-01"));
        send(Fixtures.json("d", "x", "CN", "2024", "-1", "2025-01-01"));
        KeyValueStore<String, Long> store = driver.getKeyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE);
        ValidationCounts counts = ValidationCounts.sum(store);
        assertEquals(2, counts.accepted());
        assertEquals(3, counts.rejected());
        assertEquals(5, counts.read());
        assertEquals(Map.of("UNDECODABLE", 1L, "BAD_REGION", 1L, "NEGATIVE_VALUE", 1L), counts.rejectedByReason());
    }

    @Test
    void shouldKeepNewestVintageWhenOlderArrivesLate() {
        send(Fixtures.json("new", "gdp", "CN-BJ", "2025", "52073.4", "2026-01-21"));
        send(Fixtures.json("old", "gdp", "CN-BJ", "2025", "50000", "2025-12-08"));
        assertEquals("new", latestRow("gdp", "CN-BJ", "2025").getId());
        List<KeyValue<ObservationKey, IndicatorObservation>> changes = latest.readKeyValuesToList();
        assertEquals(1, changes.size(), "a late older vintage is not a change of the table");
        IndicatorObservation asOf = HistoryReaders.of(driver, topics).get(new ObservationKey("gdp", "CN-BJ", "2025"),
                Instant.parse("2025-12-31T00:00:00Z").toEpochMilli());
        assertEquals("old", asOf.getId(), "the late vintage is kept as history");
    }

    @Test
    void shouldAnswerEveryAsOfWhenAThousandVintagesOfOneKeyArriveShuffled() {
        List<Integer> days = new ArrayList<>(java.util.stream.IntStream.range(0, 1000).boxed().toList());
        Collections.shuffle(days, new Random(7));
        java.time.LocalDate start = java.time.LocalDate.of(2020, 1, 1);
        for (int d : days) {
            send(Fixtures.json("v" + d, "gdp", "CN", "2025", String.valueOf(1000 + d), start.plusDays(d).toString()));
        }
        LatestHistory.Reader history = HistoryReaders.of(driver, topics);
        ObservationKey key = new ObservationKey("gdp", "CN", "2025");
        assertEquals("v999", history.get(key, Long.MAX_VALUE).getId());
        for (int d : new int[] {0, 1, 500, 998, 999}) {
            long endOfDay = start.plusDays(d + 1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli() - 1;
            assertEquals("v" + d, history.get(key, endOfDay).getId(), "as of day " + d);
        }
        assertEquals(null, history.get(key, start.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli() - 1));
        List<IndicatorObservation> vintages = history.vintages(key, Long.MAX_VALUE);
        assertEquals(1000, vintages.size());
        for (int i = 1; i < vintages.size(); i++) {
            assertTrue(vintages.get(i).getPublished().isAfter(vintages.get(i - 1).getPublished()), "oldest first");
        }
        // Only the vintages that beat every earlier arrival were changes of the table.
        long changes = latest.readValuesToList().size();
        long expected = 0;
        int best = -1;
        for (int d : days) {
            if (d > best) {
                best = d;
                expected++;
            }
        }
        assertEquals(expected, changes);
    }

    @Test
    void shouldGiveTheGreaterIdAsOfATimeWhenTwoVintagesSharePublication() {
        send(Fixtures.json("b", "gdp", "CN", "2025", "2", "2026-01-01"));
        send(Fixtures.json("c", "gdp", "CN", "2025", "3", "2026-02-01"));
        send(Fixtures.json("a", "gdp", "CN", "2025", "1", "2026-01-01"));
        LatestHistory.Reader history = HistoryReaders.of(driver, topics);
        ObservationKey key = new ObservationKey("gdp", "CN", "2025");
        assertEquals("b", history.get(key, Instant.parse("2026-01-15T00:00:00Z").toEpochMilli()).getId());
        assertEquals(List.of("b", "c"), history.vintages(key, Long.MAX_VALUE).stream().map(IndicatorObservation::getId).toList(),
                "one vintage per publication time: the one that stood");
        assertEquals(List.of("b"), history.vintages(key, Instant.parse("2026-01-31T00:00:00Z").toEpochMilli()).stream()
                .map(IndicatorObservation::getId).toList());
    }

    @Test
    void shouldReplaceWinnerWhenNewerVintageArrives() {
        send(Fixtures.json("old", "gdp", "CN-BJ", "2025", "50000", "2025-12-08"));
        send(Fixtures.json("new", "gdp", "CN-BJ", "2025", "52073.4", "2026-01-21"));
        assertEquals(List.of("old", "new"), latest.readValuesToList().stream().map(IndicatorObservation::getId).toList());
    }

    @Test
    void shouldBreakTieByGreaterIdWhenPublishedIsEqual() {
        send(Fixtures.json("b", "gdp", "CN", "2025", "2", "2026-01-01"));
        send(Fixtures.json("a", "gdp", "CN", "2025", "1", "2026-01-01"));
        assertEquals("b", latestRow("gdp", "CN", "2025").getId());
        send(Fixtures.json("c", "gdp", "CN", "2025", "3", "2026-01-01"));
        assertEquals("c", latestRow("gdp", "CN", "2025").getId());
        assertEquals(List.of("b", "c"), latest.readValuesToList().stream().map(IndicatorObservation::getId).toList());
    }

    @Test
    void shouldIgnoreDuplicateWhenSameObservationArrivesTwice() {
        String line = Fixtures.json("x", "gdp", "CN", "2025", "2", "2026-01-01");
        send(line);
        send(line);
        assertEquals(1, latest.readValuesToList().size());
    }

    @Test
    void shouldFollowNewestPeriodWhenCurrentValueSeriesGrows() {
        send(Fixtures.json("m1", "registered_llm_count", "CN-BJ", "asof:2025-06-23", "132", "2025-06-23"));
        send(Fixtures.json("m3", "registered_llm_count", "CN-BJ", "asof:2025-12-31", "209", "2026-01-26"));
        send(Fixtures.json("m2", "registered_llm_count", "CN-BJ", "asof:2025-12-08", "183", "2025-12-08"));
        KeyValueStore<SeriesKey, IndicatorObservation> store = driver.getKeyValueStore(FoundationTopology.CURRENT_STORE);
        assertEquals(209.0, store.get(new SeriesKey("registered_llm_count", "CN-BJ", "STOCK")).getValue());
        assertEquals(List.of(132.0, 209.0), current.readValuesToList().stream().map(IndicatorObservation::getValue).toList());
    }

    @Test
    void shouldProduceIdenticalTablesWhenBundledDatasetArrivesInAnyOrder() {
        List<String> lines = Fixtures.bundledObservations();
        Map<String, String> reference = null;
        for (long seed : new long[] {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233}) {
            List<String> shuffled = new ArrayList<>(lines);
            Collections.shuffle(shuffled, new Random(seed));
            Map<String, String> tables;
            TopicCatalogue t = Fixtures.catalogue();
            try (TopologyTestDriver d = newDriver(t)) {
                TestInputTopic<byte[], byte[]> in = d.createInputTopic(t.rawObservations().name(),
                        Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
                shuffled.forEach(l -> in.pipeInput(null, l.getBytes(StandardCharsets.UTF_8)));
                tables = snapshot(d, t);
            }
            assertEquals(lines.size(), ValidationCountsHolder.last.accepted(), "every bundled observation is valid");
            if (reference == null) {
                reference = tables;
            } else {
                assertEquals(reference, tables, "tables differ for shuffle seed " + seed);
            }
        }
        assertTrue(reference.size() > 200);
    }

    private static final class ValidationCountsHolder {
        static ValidationCounts last;
    }

    private static Map<String, String> snapshot(TopologyTestDriver d, TopicCatalogue t) {
        Map<String, String> out = new TreeMap<>();
        for (IndicatorObservation o : HistoryReaders.of(d, t).all()) {
            out.put("latest " + new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod()), o.toString());
        }
        KeyValueStore<SeriesKey, IndicatorObservation> currentTable = d.getKeyValueStore(FoundationTopology.CURRENT_STORE);
        try (KeyValueIterator<SeriesKey, IndicatorObservation> it = currentTable.all()) {
            it.forEachRemaining(kv -> out.put("current " + kv.key, kv.value.toString()));
        }
        ValidationCountsHolder.last = ValidationCounts.sum(d.getKeyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE));
        return out;
    }

    private IndicatorObservation latestRow(String indicator, String region, String period) {
        return HistoryReaders.of(driver, topics).get(new ObservationKey(indicator, region, period), Long.MAX_VALUE);
    }

    static IndicatorObservation observation(String id, String period, double value, String published) {
        return IndicatorObservation.newBuilder().setId(id).setIndicator("registered_llm_count").setRegion("CN-BJ")
                .setPeriod(period).setValue(value).setUnit("count").setQualifier(Qualifier.exact)
                .setPublished(Instant.parse(published)).setSource("test").build();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeriveStableIdWhenProducerOmitsIt() {
        String line = "{\"indicator\":\"gdp\",\"region\":\"CN\",\"period\":\"2025\",\"value\":1,\"unit\":\"CNY\",\"published\":\"2026-01-01\",\"source\":\"s\"}";
        send(line);
        send(line);
        List<IndicatorObservation> out = valid.readValuesToList();
        assertEquals(2, out.size());
        assertTrue(out.get(0).getId().startsWith("obs-"));
        assertEquals(out.get(0).getId(), out.get(1).getId());
        assertNull(out.get(0).getQuote());
    }

    @Test
    void shouldTreatRegistryOutageAsRetriableWhenDecodingFailsWithServerError() {
        var outage = new dev.almanac.serde.SchemaRegistryException(503, 50001, "registry down");
        assertTrue(ValidateProcessor.registryUnavailable(new org.apache.kafka.common.errors.SerializationException("x", outage)));
        assertTrue(!ValidateProcessor.registryUnavailable(new dev.almanac.serde.SchemaRegistryException(404, 40403, "unknown id")));
        assertEquals(org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD,
                dev.almanac.runtime.PipelineAccess.onUncaught(new dev.almanac.serde.RegistryUnavailableException(outage)));
    }
}
