package dev.almanac.replay;

import dev.almanac.testing.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.StoreReadiness;
import dev.almanac.runtime.TopicAdmin;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.cli.Main;
import dev.almanac.derived.DerivedTopics;
import dev.almanac.kafka.TableReader;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.Rejection;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.KafkaCluster;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay, reset and rebuild against a real in-JVM KRaft broker: the tables do not depend on how
 * often or in which order history is replayed, and a rebuild "as of" a date shows the older vintage.
 */
class ReplayIT {

    private static final Path BUNDLED = Path.of("data/observations.jsonl");
    private static final AvroSerdes SERDES = new AvroSerdes(new LocalSchemaRegistry());
    private static final Duration SETTLE = Duration.ofMinutes(4);

    private static KafkaCluster cluster;
    private static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = KafkaCluster.start(1);
        bootstrap = cluster.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private AlmanacConfig config(String name) {
        return AlmanacConfig.defaults(bootstrap, dir.resolve("state")).withTopicPrefix(name).withApplicationId(name + "-app");
    }

    private static String[] kafkaArgs(AlmanacConfig c, String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("--bootstrap-servers", c.bootstrapServers(), "--topic-prefix", c.topicPrefix(),
                "--application-id", c.applicationId(), "--state-dir", c.stateDir().toString()));
        return args.toArray(String[]::new);
    }

    /**
     * Every table of a running pipeline as text, sorted by key: the foundation's from its stores, the
     * derived tables from their topics, read as a subscriber would.
     */
    record Tables(Map<String, String> latest, Map<String, String> current, Map<String, Map<String, String>> derived) {
    }

    private static Tables tables(Pipeline p) {
        Map<String, Map<String, String>> derived = new TreeMap<>();
        for (Topic<?, ?> t : DerivedTopics.all(p.topics(), p.definitions())) {
            derived.put(t.name().substring(p.topics().prefix().length()), text(TableReader.read(bootstrap, t, Duration.ofMinutes(1))));
        }
        return new Tables(text(p.latestHistory().table()), dump(p.keyValueStore(FoundationTopology.CURRENT_STORE)),
                derived);
    }

    private static <K, V> Map<String, String> text(Map<K, V> table) {
        Map<String, String> rows = new TreeMap<>();
        table.forEach((k, v) -> rows.put(String.valueOf(k), String.valueOf(v)));
        return rows;
    }

    private static <K, V> Map<String, String> dump(ReadOnlyKeyValueStore<K, V> store) {
        Map<String, String> rows = new TreeMap<>();
        try (KeyValueIterator<K, V> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<K, V> kv = it.next();
                rows.put(kv.key.toString(), kv.value.toString());
            }
        }
        return rows;
    }

    private static Pipeline startAndReplay(AlmanacConfig c, TopicCatalogue topics, String... replayArgs) throws Exception {
        Pipeline p = new Pipeline(c, topics).start(Duration.ofMinutes(2));
        if (replayArgs.length > 0) {
            assertEquals(0, Main.execute(kafkaArgs(c, replayArgs)));
        }
        p.awaitSettled(SETTLE);
        StoreReadiness.await(p, SETTLE);
        return p;
    }

    private static <K, V> Map<K, V> fold(Topic<K, V> topic) {
        return TableReader.read(bootstrap, topic, Duration.ofMinutes(1));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldRebuildIdenticalTablesWhenResetAfterReplayOfBundledData() throws Exception {
        AlmanacConfig c = config("reset");
        TopicCatalogue topics = TopicCatalogue.create(c.topicPrefix(), SERDES);
        Tables before;
        try (Pipeline p = startAndReplay(c, topics, "replay", "--file", BUNDLED.toString())) {
            before = tables(p);
            assertEquals(276, p.validationCounts().read());
            assertEquals(1, Main.execute(kafkaArgs(c, "reset", "--yes")), "reset refuses while the pipeline runs");
            assertEquals(KafkaStreams.State.RUNNING, p.streams().state(), "and stops nothing");
        }
        assertEquals(268, before.latest().size());
        assertTrue(Files.isDirectory(c.stateDir().resolve(c.applicationId())));

        ConfigResource latestTopic = new ConfigResource(ConfigResource.Type.TOPIC, topics.latest().name());
        try (Admin admin = TopicAdmin.admin(bootstrap)) {
            // As an older Almanac created it: without segment.ms, which the recreated topic must get.
            admin.incrementalAlterConfigs(Map.of(latestTopic, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, ""), AlterConfigOp.OpType.DELETE)))).all().get();
        }

        assertEquals(0, Main.execute(kafkaArgs(c, "reset", "--yes")));
        assertFalse(Files.exists(c.stateDir().resolve(c.applicationId())), "local state deleted");
        assertTrue(fold(topics.latest()).isEmpty(), "derived topic recreated empty");
        try (Admin admin = TopicAdmin.admin(bootstrap)) {
            Config recreated = admin.describeConfigs(List.of(latestTopic)).all().get().get(latestTopic);
            assertEquals(TopicAdmin.SEGMENT_MS, recreated.get(TopicConfig.SEGMENT_MS_CONFIG).value(), "recreated with segment.ms");
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, recreated.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
            assertTrue(admin.listTopics().names().get().contains(topics.latest().name()));
            assertEquals(276L, admin.listOffsets(Map.of(new TopicPartition(topics.rawObservations().name(), 0),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().values().iterator().next().offset()
                    + otherPartitions(admin, topics.rawObservations().name()), "input kept");
        }

        try (Pipeline p = startAndReplay(c, topics)) {
            assertEquals(before, tables(p));
            ValidationCounts counts = p.validationCounts();
            assertEquals(276, counts.read(), "every input record read once more, from a clean state");
            Map<ObservationKey, IndicatorObservation> topic = fold(topics.latest());
            assertEquals(before.latest().size(), topic.size());
            topic.forEach((k, v) -> assertEquals(before.latest().get(k.toString()), v.toString()));
        }
    }

    private static long otherPartitions(Admin admin, String topic) throws Exception {
        int n = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> req = new HashMap<>();
        for (int i = 1; i < n; i++) {
            req.put(new TopicPartition(topic, i), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        return admin.listOffsets(req).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void shouldBuildIdenticalTablesWhenAGeneratedHistoryIsReplayedShuffled() throws Exception {
        Path ordered = dir.resolve("history.jsonl");
        HistoryGenerator.Stats stats;
        try (Writer w = Files.newBufferedWriter(ordered, StandardCharsets.UTF_8)) {
            stats = new HistoryGenerator(new HistoryGenerator.Spec(250, 5, 2024, 0.002)).write(w);
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(ordered, StandardCharsets.UTF_8));
        assertEquals(stats.lines(), lines.size());
        Collections.shuffle(lines, new Random(7));
        // The shuffled copy as a directory of gzip parts: exercises directory and gzip reading end to end.
        Path parts = Files.createDirectories(dir.resolve("shuffled"));
        int per = lines.size() / 3 + 1;
        for (int i = 0; i < 3; i++) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(parts.resolve("part-" + i + ".jsonl.gz")))) {
                for (String l : lines.subList(i * per, Math.min(lines.size(), (i + 1) * per))) {
                    out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }

        AlmanacConfig a = config("ordered");
        AlmanacConfig b = config("shuffled");
        Tables first;
        ValidationCounts firstCounts;
        try (Pipeline p = startAndReplay(a, TopicCatalogue.create(a.topicPrefix(), SERDES), "replay", "--file", ordered.toString())) {
            first = tables(p);
            firstCounts = p.validationCounts();
        }
        Tables second;
        ValidationCounts secondCounts;
        try (Pipeline p = startAndReplay(b, TopicCatalogue.create(b.topicPrefix(), SERDES), "replay", "--file", parts.toString())) {
            second = tables(p);
            secondCounts = p.validationCounts();
        }
        assertEquals(stats.lines(), firstCounts.read());
        assertEquals(firstCounts, secondCounts);
        Map<String, String> expected = Fixtures.expectedLatest(Files.readAllLines(ordered, StandardCharsets.UTF_8));
        assertEquals(250 * 16, expected.size());
        assertTrue(expected.equals(first.latest()), "ordered replay: greatest published wins, then greatest id; " + diff(expected, first.latest()));
        assertTrue(expected.equals(second.latest()), "shuffled replay: " + diff(expected, second.latest()));
        assertEquals(first, second);
    }

    private static String diff(Map<String, String> expected, Map<String, String> actual) {
        List<String> lines = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                lines.add(k + ": expected " + v + " but was " + actual.get(k));
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> lines.add(k + ": unexpected"));
        return lines.size() + " rows differ" + (lines.isEmpty() ? "" : ", first: " + lines.get(0));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldShowOlderVintageInRebuildWhileLiveTableHasNewerWhenAsOfFallsBetweenVintages() throws Exception {
        AlmanacConfig c = config("live");
        TopicCatalogue live = TopicCatalogue.create(c.topicPrefix(), SERDES);
        TopicCatalogue audit = TopicCatalogue.create("audit", SERDES);
        ObservationKey gdp = new ObservationKey("gdp", "CN-BJ", "2025");
        SeriesKey llm = new SeriesKey("registered_llm_count", "CN-BJ", "STOCK");
        try (Pipeline p = startAndReplay(c, live, "replay", "--file", BUNDLED.toString())) {
            Map<String, String> liveBefore = tables(p).latest();

            assertEquals(0, Main.execute(kafkaArgs(c, "rebuild", "--as-of", "2026-01-01", "--into", "audit")));
            IndicatorObservation old = fold(audit.latest()).get(gdp);
            assertEquals("a000-006", old.getId(), "the estimate published 2025-12-08");
            assertEquals(5e12, old.getValue());
            assertEquals("estimate", old.getQualifier().name());
            assertEquals(183.0, fold(audit.current()).get(llm).getValue());

            Map<ObservationKey, IndicatorObservation> latest = p.latestHistory().table();
            assertEquals("a003-003", latest.get(gdp).getId(), "live: 5.2073万亿 published 2026-01-26");
            assertEquals(5.2073e12, latest.get(gdp).getValue(), 1);
            ReadOnlyKeyValueStore<SeriesKey, IndicatorObservation> current = p.keyValueStore(FoundationTopology.CURRENT_STORE);
            assertEquals(209.0, current.get(llm).getValue());
            assertEquals(KafkaStreams.State.RUNNING, p.streams().state(), "the live pipeline kept running");
            assertEquals(liveBefore, tables(p).latest(), "and its table is untouched");

            assertEquals(1, Main.execute(kafkaArgs(c, "rebuild", "--as-of", "2025-07-01", "--into", "audit")),
                    "an existing rebuild is not overwritten silently");
            assertEquals(0, Main.execute(kafkaArgs(c, "rebuild", "--as-of", "2025-07-01", "--into", "audit", "--replace")));
            assertNull(fold(audit.latest()).get(gdp), "no 2025 GDP figure had been published by 2025-07-01");
            assertEquals(132.0, fold(audit.current()).get(llm).getValue());
            assertEquals(liveBefore, tables(p).latest());
        }
    }
}
