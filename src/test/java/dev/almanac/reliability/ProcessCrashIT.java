package dev.almanac.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.Region;
import dev.almanac.cli.Main;
import dev.almanac.derived.DerivedTopics;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.kafka.TableReader;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.region.RegionJson;
import dev.almanac.registry.RegistryConnection;
import dev.almanac.replay.HistoryGenerator;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.TopicAdmin;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.testing.ChildAlmanac;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaCluster;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under {@code kill -9}: the pipeline runs as {@code almanac run} in a child JVM while a
 * shuffled generated history (revisions, same-day ties, late arrivals, a few per cent bad lines, model
 * registrations with repeats) is replayed into it in four parts at a steady pace. The child is killed without
 * warning half-way through each of the first three parts and started again each time on the same state directory. Afterwards every table
 * equals the one a crash-free pipeline (another application id and topic prefix, the same input) built,
 * the read_committed valid and dead-letter topics together hold each observation line exactly once, and
 * the registration counts are exact.
 *
 * <p>Size: {@code -Dalmanac.crashIt.lines=100000 -Dalmanac.crashIt.rate=1000} (default {@value #DEFAULT_LINES} lines
 * replayed at 150 lines/s, sized for CI).
 */
class ProcessCrashIT {

    static final long SEED = 20261202L;
    static final int DEFAULT_LINES = 8_000;
    static final int LINES = Integer.getInteger("almanac.crashIt.lines", DEFAULT_LINES);
    static final int VINTAGES = 5;
    static final double BAD_FRACTION = 0.03;
    static final int REGISTRATIONS = 800;
    static final int KILLS = 3;
    /** Replay pace of each part: slow enough that the test sees the child half-way through it. */
    static final int RATE = Integer.getInteger("almanac.crashIt.rate", 150);
    static final Duration SETTLE = Duration.ofMinutes(8);

    @Test
    @Timeout(1200)
    void shouldMatchACrashFreeRunWhenThePipelineJvmIsKilledThreeTimesMidReplay(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        // The history: observations from the generator, plus registration events, some sent twice; all shuffled.
        int series = Math.max(1, LINES / (HistoryGenerator.PERIODS_PER_SERIES * VINTAGES));
        StringWriter generated = new StringWriter();
        HistoryGenerator.Stats stats = new HistoryGenerator(new HistoryGenerator.Spec(series, VINTAGES, SEED, BAD_FRACTION)).write(generated);
        List<String> lines = new ArrayList<>(generated.toString().lines().toList());
        List<ModelRegistration> registrations = RegistrationGenerator.generate(RegistrationGenerator.beijing(REGISTRATIONS, SEED,
                RegistrationGenerator.anchors(Fixtures.bundledObservations().stream().map(ObservationJson::parse).toList(),
                        "registered_llm_count", "CN-BJ")));
        Random random = new Random(SEED);
        int repeated = 0;
        for (ModelRegistration r : registrations) {
            String json = RegistrationJson.toJson(r);
            lines.add(json);
            if (random.nextDouble() < 0.05) {
                lines.add(json);
                repeated++;
            }
        }
        Collections.shuffle(lines, random);
        Path history = dir.resolve("history.jsonl");
        Files.write(history, lines, StandardCharsets.UTF_8);
        // The crashed run gets the same lines as one part per child: a part is replayed (paced) once its child runs, and
        // the child is killed half-way through it, however long the children take to start.
        List<Path> parts = new ArrayList<>();
        List<Long> partObservations = new ArrayList<>();
        int per = (lines.size() + KILLS) / (KILLS + 1);
        for (int i = 0; i <= KILLS; i++) {
            List<String> part = lines.subList(Math.min(lines.size(), i * per), Math.min(lines.size(), (i + 1) * per));
            parts.add(Files.write(dir.resolve("part-" + i + ".jsonl"), part, StandardCharsets.UTF_8));
            partObservations.add(part.stream().filter(l -> !l.contains("\"model_name\"")).count());
        }
        long observationLines = stats.lines();
        long registrationLines = registrations.size() + repeated;
        assertEquals(lines.size(), observationLines + registrationLines);
        List<Region> regions = RegionJson.parseAll(Fixtures.lines(Fixtures.repo().resolve("data/regions.jsonl")));

        try (KafkaCluster cluster = KafkaCluster.start(1);
             RegistryConnection registry = RegistryConnection.open(Optional.empty(), cluster.bootstrapServers(), "127.0.0.1", 0, true)) {
            String bootstrap = cluster.bootstrapServers();
            AvroSerdes serdes = new AvroSerdes(registry.client());

            // The crash-free reference, in this JVM, built while the crashes happen (the children spend most of their time starting).
            AlmanacConfig refConfig = AlmanacConfig.defaults(bootstrap, dir.resolve("ref-state")).withApplicationId("ref").withTopicPrefix("ref");
            TopicCatalogue refTopics = TopicCatalogue.create("ref", serdes);
            long r0 = System.nanoTime();
            double[] refSeconds = new double[1];
            CompletableFuture<Map<String, Map<String, String>>> reference = CompletableFuture.supplyAsync(() -> {
                try (Pipeline ref = new Pipeline(refConfig, refTopics).start(Duration.ofMinutes(3))) {
                    sendRegions(bootstrap, refTopics, regions);
                    assertEquals(0, Main.execute(replayArgs(history, bootstrap, "ref")));
                    ref.awaitSettled(SETTLE);
                    Map<String, Map<String, String>> rows = tables(bootstrap, ref);
                    refSeconds[0] = (System.nanoTime() - r0) / 1e9;
                    return rows;
                } catch (Exception e) {
                    throw new IllegalStateException("the crash-free reference run failed", e);
                }
            });

            // The same input into a child JVM that is killed three times.
            AlmanacConfig crashConfig = AlmanacConfig.defaults(bootstrap, dir.resolve("crash-state")).withApplicationId("crash").withTopicPrefix("crash");
            TopicCatalogue crashTopics = TopicCatalogue.create("crash", serdes);
            // Not started: its topologies name the inputs to wait on, and it creates the topics before the child starts. Its
            // own state directory: Kafka Streams locks the directory it is given already when constructed.
            Pipeline crash = new Pipeline(crashConfig.withStateDir(dir.resolve("observer-state")), crashTopics);
            try (Admin admin = TopicAdmin.admin(bootstrap)) {
                TopicAdmin.ensureTopics(admin, crash.allTopics(), crashConfig.partitions(), crashConfig.replicationFactor());
            }
            sendRegions(bootstrap, crashTopics, regions);
            long c0 = System.nanoTime();
            ChildAlmanac child = startChild(dir, bootstrap);
            List<String> kills = new ArrayList<>();
            List<CompletableFuture<Integer>> replays = new ArrayList<>();
            try (Admin admin = TopicAdmin.admin(bootstrap)) {
                long sent = 0;
                for (int k = 0; k < KILLS; k++) {
                    if (k > 0) {
                        assertEquals(0, replays.get(k - 1).get(), "replay of part " + (k - 1));
                    }
                    String[] paced = java.util.stream.Stream.concat(java.util.Arrays.stream(replayArgs(parts.get(k), bootstrap, "crash")),
                            java.util.stream.Stream.of("--rate", RATE + "/s")).toArray(String[]::new);
                    CompletableFuture<Integer> replay = CompletableFuture.supplyAsync(() -> Main.execute(paced));
                    replays.add(replay);
                    long target = sent + partObservations.get(k) / 2;
                    sent += partObservations.get(k);
                    ChildAlmanac running = child;
                    Awaitility.await("the child pipeline committed " + target + " raw observations").atMost(SETTLE)
                            .pollInterval(Duration.ofMillis(20)).until(() -> {
                                if (!running.process().isAlive()) {
                                    throw new AssertionError("the child ended by itself:\n" + running.tail());
                                }
                                return committed(admin, "crash", crashTopics.rawObservations().name()) >= target;
                            });
                    running.signal("KILL", false);
                    running.process().waitFor();
                    long killedAt = committed(admin, "crash", crashTopics.rawObservations().name());
                    running.close();
                    assertTrue(!replay.isDone(), "kill " + (k + 1) + ": the replay of its part had already ended (" + killedAt
                            + " committed); a slower -Dalmanac.crashIt.rate keeps it going longer on a slow machine");
                    long s0 = System.nanoTime();
                    child = startChild(dir, bootstrap);
                    kills.add(String.format("kill -9 at %,d of the %,d raw observations sent so far committed (restart to RUNNING %.1f s)", killedAt, sent,
                            (System.nanoTime() - s0) / 1e9));
                }
                assertEquals(0, replays.get(KILLS - 1).get(), "replay of part " + (KILLS - 1));
                assertEquals(0, Main.execute(replayArgs(parts.get(KILLS), bootstrap, "crash")), "replay of the last part");
                crash.awaitSettled(SETTLE);
                double crashSeconds = (System.nanoTime() - c0) / 1e9;
                Map<String, Map<String, String>> expected = reference.get();

                Map<String, Map<String, String>> actual = tables(bootstrap, crash);
                assertEquals(expected.keySet(), actual.keySet());
                for (String table : expected.keySet()) {
                    assertTrue(expected.get(table).equals(actual.get(table)), table + ": " + diff(expected.get(table), actual.get(table)));
                }
                // The monthly counts are exact too: each distinct registration once, in the month of its registration date.
                var out = RegistrationTopology.topics(crashTopics, crash.definitions().registrations().orElseThrow());
                Map<String, Long> monthly = new TreeMap<>();
                TableReader.read(bootstrap, out.monthly(), Duration.ofMinutes(1))
                        .forEach((k, v) -> monthly.put(k.getRegion() + "|" + k.getMonth(), v.getCount()));
                assertEquals(monthCounts(registrations), monthly, "registrations per region and month of registration date");

                long valid = countCommitted(bootstrap, crashTopics.validObservations().name());
                long rejected = countCommitted(bootstrap, crashTopics.rejectedObservations().name());
                assertEquals(observationLines, valid + rejected, "valid " + valid + " + dead-lettered " + rejected + " = observation lines sent");
                assertEquals(stats.bad(), rejected, "exactly the bad lines are dead-lettered");
                assertEquals(0, countCommitted(bootstrap, crashTopics.rejectedRegistrations().name()), "no registration dead-lettered");

                // Registration counts: each distinct registration counted once, repeats and replays after a crash included.
                long ownTotal = TableReader.read(bootstrap, out.cumulative(), Duration.ofMinutes(1)).values().stream()
                        .mapToLong(c -> c.getOwnCount()).sum();
                assertEquals(registrations.size(), ownTotal, "distinct registrations counted once");

                System.out.printf("ProcessCrashIT: seed %d, %,d lines (%,d observation lines of which %,d bad, %,d registration events"
                                + " of which %,d repeats), %d tables with %,d rows equal to the crash-free run (%,d of them"
                                + " monthly registration counts, exact); %s;"
                                + " valid %,d + dead-lettered %,d = %,d observation lines; registrations counted %,d;"
                                + " crash-free run %.0f s and crashed run %.0f s (side by side), test %.0f s%n",
                        SEED, lines.size(), observationLines, stats.bad(), registrationLines, repeated, expected.size(),
                        expected.values().stream().mapToInt(Map::size).sum(), monthly.size(), String.join("; ", kills), valid, rejected, valid + rejected,
                        ownTotal, refSeconds[0], crashSeconds, (System.nanoTime() - t0) / 1e9);
            } finally {
                child.close();
                crash.close();
            }
        }
    }

    private static ChildAlmanac startChild(Path dir, String bootstrap) throws Exception {
        // A short session timeout: the killed member leaves the group after 10 s rather than the default 45 s.
        ChildAlmanac child = ChildAlmanac.start(dir.resolve("crash-home"), false, List.of("run", "--bootstrap-servers", bootstrap,
                "--topic-prefix", "crash", "--application-id", "crash", "--state-dir", dir.resolve("crash-state").toString(),
                "--http-port", "0", "--schema-registry-port", "0", "--status-interval", "5", "--query-timeout", "300",
                // Commits every 100 ms: the kill lands at a known point between commits rather than a second's work later.
                "--commit-interval-ms", "100",
                "--streams-setting", "consumer.session.timeout.ms=10000"));
        child.awaitLine(l -> l.startsWith("Pipeline running against"), Duration.ofMinutes(4));
        return child;
    }

    /** Distinct registrations per "region|month" of their registration date, own region only (not rolled up). */
    private static Map<String, Long> monthCounts(List<ModelRegistration> registrations) {
        Map<String, Long> counts = new TreeMap<>();
        for (ModelRegistration r : registrations) {
            counts.merge(r.getRegion() + "|" + r.getRegistrationDate().toString().substring(0, 7), 1L, Long::sum);
        }
        return counts;
    }

    private static String[] replayArgs(Path history, String bootstrap, String prefix) {
        return new String[] {"replay", "--file", history.toString(), "--bootstrap-servers", bootstrap, "--topic-prefix", prefix};
    }

    private static void sendRegions(String bootstrap, TopicCatalogue topics, List<Region> regions) throws Exception {
        Topic<String, Region> t = topics.regions();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Region> producer = new KafkaProducer<>(p, t.keySerde().serializer(), t.valueSerde().serializer())) {
            for (Region r : regions) {
                producer.send(new ProducerRecord<>(t.name(), r.getCode(), r)).get();
            }
        }
    }

    /** Every table as text, read from its topic (read_committed) as a subscriber would: latest, current and each derived table. */
    private static Map<String, Map<String, String>> tables(String bootstrap, Pipeline p) {
        Map<String, Map<String, String>> all = new TreeMap<>();
        List<Topic<?, ?>> topics = new ArrayList<>(List.of(p.topics().latest(), p.topics().current()));
        topics.addAll(DerivedTopics.all(p.topics(), p.definitions()));
        for (Topic<?, ?> t : topics) {
            Map<String, String> rows = new TreeMap<>();
            TableReader.read(bootstrap, t, Duration.ofMinutes(2)).forEach((k, v) -> rows.put(String.valueOf(k), String.valueOf(v)));
            all.put(t.name().substring(p.topics().prefix().length()), rows);
        }
        return all;
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Records in a topic as a read_committed consumer sees them (aborted transactions left out). */
    static long countCommitted(String bootstrap, String topic) {
        return Fixtures.readCommitted(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic, Duration.ofMinutes(2)).size();
    }

    private static String diff(Map<String, String> expected, Map<String, String> actual) {
        if (actual == null) {
            return "missing";
        }
        List<String> lines = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                lines.add(k + ": expected " + v + " but was " + actual.get(k));
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> lines.add(k + ": unexpected " + actual.get(k)));
        return lines.size() + " of " + expected.size() + " rows differ" + (lines.isEmpty() ? "" : ", first: "
                + lines.stream().limit(3).collect(Collectors.joining("; ")));
    }
}
