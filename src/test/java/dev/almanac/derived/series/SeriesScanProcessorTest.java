package dev.almanac.derived.series;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.derived.DerivedInputs;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.SeriesSnapshot;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Period;
import dev.almanac.observation.Published;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The series scan on its own: a latest table, the scan processor on its changes, the snapshots it
 * forwards. Run without a record cache and store changelog (as the derived tests run), and with a cache
 * and the latest topic as the store's changelog (as the application runs).
 */
class SeriesScanProcessorTest {

    private static final String STORE = "latest-store";

    private final TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
    private final Topic<ObservationKey, IndicatorObservation> latestTopic = topics.latest();
    private TopologyTestDriver driver;
    private TestInputTopic<ObservationKey, IndicatorObservation> latest;
    private TestOutputTopic<String, SeriesSnapshot> snapshots;
    private Path stateDir;

    static Stream<Arguments> setups() {
        return Stream.of(Arguments.of(0L, false), Arguments.of(1024L * 1024, true));
    }

    private void start(long cacheBytes, boolean reuseSourceTopic) throws Exception {
        Serde<SeriesSnapshot> snapshotSerde = topics.serdes().specific(SeriesSnapshot.class, false);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "series-scan-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        if (reuseSourceTopic) {
            p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        }
        stateDir = Files.createTempDirectory("series-scan-test");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        StreamsBuilder b = new StreamsBuilder();
        Serializer<ObservationKey> prefix = DerivedInputs.seriesPrefix(latestTopic.keySerde().serializer(), latestTopic.name());
        b.table(latestTopic.name(), Consumed.with(latestTopic.keySerde(), latestTopic.valueSerde()).withName("source"),
                        Materialized.<ObservationKey, IndicatorObservation, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(latestTopic.keySerde()).withValueSerde(latestTopic.valueSerde()))
                .toStream(Named.as("changes"))
                .process(() -> new SeriesScanProcessor(STORE, prefix), Named.as("scan"), STORE)
                .to("snapshots", Produced.with(Serdes.String(), snapshotSerde).withName("snapshots-sink"));
        driver = new TopologyTestDriver(b.build(p), p);
        latest = driver.createInputTopic(latestTopic.name(), latestTopic.keySerde().serializer(), latestTopic.valueSerde().serializer());
        snapshots = driver.createOutputTopic("snapshots", Serdes.String().deserializer(), snapshotSerde.deserializer());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (driver != null) {
            driver.close();
        }
        if (stateDir != null) {
            try (var files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static IndicatorObservation obs(String id, String indicator, String region, String period, double value) {
        return IndicatorObservation.newBuilder()
                .setId(id).setIndicator(indicator).setRegion(region).setPeriod(period).setValue(value).setUnit("CNY")
                .setQualifier(Qualifier.exact).setPublished(Published.parse("2026-01-01")).setSource("test").build();
    }

    private void put(IndicatorObservation o) {
        latest.pipeInput(new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod()), o);
    }

    private void withdraw(String indicator, String region, String period) {
        latest.pipeInput(new ObservationKey(indicator, region, period), null);
    }

    private SeriesSnapshot lastSnapshot() {
        List<TestRecord<String, SeriesSnapshot>> records = snapshots.readRecordsToList();
        assertFalse(records.isEmpty(), "a snapshot was forwarded");
        return records.get(records.size() - 1).value();
    }

    private static List<String> ids(SeriesSnapshot s) {
        return s.getPoints().stream().map(SeriesPoint::getId).toList();
    }

    @ParameterizedTest(name = "cache {0} bytes, latest topic as changelog {1}")
    @MethodSource("setups")
    void shouldReadEveryPeriodInPeriodOrderWhenALongSeriesArrivesShuffled(long cache, boolean reuse) throws Exception {
        start(cache, reuse);
        List<IndicatorObservation> all = new ArrayList<>();
        for (int year = 1990; year <= 2025; year++) {
            all.add(obs("y" + year, "gdp", "CN-BJ", Integer.toString(year), year));
            all.add(obs("h" + year, "gdp", "CN-BJ", year + "-H1", year));
            for (int q = 1; q <= 4; q++) {
                all.add(obs("q" + year + q, "gdp", "CN-BJ", year + "-Q" + q, year));
            }
            for (int m = 1; m <= 12; m++) {
                all.add(obs("m" + year + m, "gdp", "CN-BJ", String.format("%d-%02d", year, m), year));
                if (m > 1) {
                    all.add(obs("c" + year + m, "gdp", "CN-BJ", String.format("%d-01..%02d", year, m), year));
                }
            }
        }
        List<IndicatorObservation> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(7));
        shuffled.forEach(this::put);

        SeriesSnapshot s = lastSnapshot();
        assertEquals("gdp", s.getIndicator());
        assertEquals("CN-BJ", s.getRegion());
        List<Period> seen = s.getPoints().stream().map(p -> Period.parse(p.getPeriod())).toList();
        List<Period> sorted = new ArrayList<>(seen);
        Collections.sort(sorted);
        assertEquals(sorted, seen);
        assertEquals(all.size(), seen.size());
    }

    @ParameterizedTest(name = "cache {0} bytes, latest topic as changelog {1}")
    @MethodSource("setups")
    void shouldNotReadASeriesWhoseRegionOrIndicatorStartsWithTheSameText(long cache, boolean reuse) throws Exception {
        start(cache, reuse);
        put(obs("hd", "gdp", "CN-BJ-HD", "2025", 1));
        put(obs("pc", "gdp_per_capita", "CN-BJ", "2025", 2));
        put(obs("short", "gd", "CN-BJ", "2025", 3));
        put(obs("bj", "gdp", "CN-BJ", "2025", 4));

        SeriesSnapshot s = lastSnapshot();
        assertEquals(List.of("bj"), ids(s));
        put(obs("hd24", "gdp", "CN-BJ-HD", "2024", 5));
        assertEquals(List.of("hd24", "hd"), ids(lastSnapshot()));
    }

    @ParameterizedTest(name = "cache {0} bytes, latest topic as changelog {1}")
    @MethodSource("setups")
    void shouldReplaceARevisedValueInsteadOfAddingIt(long cache, boolean reuse) throws Exception {
        start(cache, reuse);
        put(obs("a", "gdp", "CN-BJ", "2024", 1));
        put(obs("b", "gdp", "CN-BJ", "2025", 2));
        put(obs("b2", "gdp", "CN-BJ", "2025", 3));

        SeriesSnapshot s = lastSnapshot();
        assertEquals(List.of("a", "b2"), ids(s));
        assertEquals(3.0, s.getPoints().get(1).getValue());
    }

    @ParameterizedTest(name = "cache {0} bytes, latest topic as changelog {1}")
    @MethodSource("setups")
    void shouldDropAWithdrawnPeriodAndForwardAnEmptySnapshotWhenTheLastGoes(long cache, boolean reuse) throws Exception {
        start(cache, reuse);
        put(obs("a", "gdp", "CN-BJ", "2024", 1));
        put(obs("b", "gdp", "CN-BJ", "2025", 2));
        withdraw("gdp", "CN-BJ", "2024");
        assertEquals(List.of("b"), ids(lastSnapshot()));

        withdraw("gdp", "CN-BJ", "2025");
        SeriesSnapshot empty = lastSnapshot();
        assertEquals("CN-BJ", empty.getRegion());
        assertTrue(empty.getPoints().isEmpty());
    }

    @ParameterizedTest(name = "cache {0} bytes, latest topic as changelog {1}")
    @MethodSource("setups")
    void shouldKeepInterleavedSeriesApart(long cache, boolean reuse) throws Exception {
        start(cache, reuse);
        String[] regions = {"CN-BJ", "CN-SH", "CN-BJ-HD", "CN"};
        for (int year = 2020; year <= 2025; year++) {
            for (String r : regions) {
                put(obs(r + year, "gdp", r, Integer.toString(year), year));
            }
        }
        List<TestRecord<String, SeriesSnapshot>> records = snapshots.readRecordsToList();
        for (String r : regions) {
            SeriesSnapshot last = records.stream().filter(x -> x.key().equals(SeriesTopology.seriesKey("gdp", r)))
                    .reduce((x, y) -> y).orElseThrow().value();
            assertEquals(List.of(r + 2020, r + 2021, r + 2022, r + 2023, r + 2024, r + 2025), ids(last));
            assertEquals(r, last.getRegion());
        }
    }

    @Test
    void shouldBuildTheSeriesPrefixAsTheKeyBytesBeforeThePeriod() {
        Serializer<ObservationKey> keys = latestTopic.keySerde().serializer();
        Serializer<ObservationKey> prefix = DerivedInputs.seriesPrefix(keys, latestTopic.name());
        byte[] p = prefix.serialize(null, new ObservationKey("gdp", "CN-BJ", ""));
        byte[] key = keys.serialize(latestTopic.name(), new ObservationKey("gdp", "CN-BJ", "2025-Q1..Q3"));
        byte[] longer = keys.serialize(latestTopic.name(), new ObservationKey("gdp", "CN-BJ-HD", "2025-Q1..Q3"));

        // "2025-Q1..Q3" is 11 bytes after a one-byte zig-zag varint length (22).
        assertEquals(key.length - 12, p.length);
        assertArrayEquals(p, Arrays.copyOf(key, p.length));
        assertFalse(Arrays.equals(p, Arrays.copyOf(longer, p.length)), "CN-BJ's prefix is not a prefix of CN-BJ-HD's keys");
    }
}
