package dev.almanac.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.avro.SeriesKey;
import dev.almanac.derived.DerivedDriver;
import dev.almanac.derived.DerivedTopology;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.runtime.Pipeline;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.kafka.TableReader;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.region.RegionJson;
import dev.almanac.registry.EmbeddedSchemaRegistry;
import dev.almanac.replay.HistoryGenerator;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.testing.ChildAlmanac;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaCluster;
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
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once through process crashes: a generated history (revisions, same-day ties, late lines, bad
 * lines, shuffled) and a synthetic registration stream wait on the raw topics while {@code almanac run}
 * (a child JVM) works through them; it is {@code kill -9}ed three times at different points and
 * restarted each time. Then every compared table equals the one a crash-free run of the same
 * topologies produces (TopologyTestDriver over the same records), and the read_committed valid and
 * dead-letter topics hold exactly one record per line sent: nothing lost, nothing twice.
 */
class CrashReplayIT {

    static final long SEED = 20261201L;
    /** 1,250 series × 16 periods × 5 vintages = 100,000 observations, plus duplicates and 3 % bad lines. */
    static final HistoryGenerator.Spec HISTORY = new HistoryGenerator.Spec(1_250, 5, SEED, 0.03);
    static final int REGISTRATIONS = 2_000;
    /** Shares of the raw observations the pipeline has committed when it is killed. */
    static final double[] KILL_AT = {0.15, 0.45, 0.75};

    @Test
    @Timeout(900)
    void shouldProduceCrashFreeTablesAndExactCountsWhenThePipelineIsKilledThreeTimesMidReplay(@TempDir Path home) throws Exception {
        long started = System.nanoTime();
        Path history = home.resolve("history.jsonl");
        HistoryGenerator.Stats stats;
        try (Writer w = Files.newBufferedWriter(history, StandardCharsets.UTF_8)) {
            stats = new HistoryGenerator(HISTORY).write(w);
        }
        List<String> lines = new ArrayList<>(Fixtures.lines(history));
        Collections.shuffle(lines, new Random(SEED));
        List<ModelRegistration> registrations = RegistrationGenerator.generate(RegistrationGenerator.beijing(REGISTRATIONS, SEED,
                RegistrationGenerator.anchors(Fixtures.bundledObservations().stream().map(ObservationJson::parse).toList(),
                        "registered_llm_count", "CN-BJ")));
        List<String> registrationLines = new ArrayList<>(registrations.stream().map(RegistrationJson::toJson).toList());
        // a repeated registration counts once, even when the repeat lands in a transaction a crash aborts
        registrationLines.addAll(registrationLines.subList(0, 100));
        List<Region> regions = RegionJson.parseAll(Fixtures.lines(Fixtures.repo().resolve("data/regions.jsonl")));

        try (KafkaCluster cluster = KafkaCluster.start(1)) {
            String bootstrap = cluster.bootstrapServers();
            List<String> common = List.of("--bootstrap-servers", bootstrap, "--state-dir", home.resolve("state").toString(),
                    "--schema-registry-port", "0");
            TopicCatalogue topics = Fixtures.catalogue();
            List<String> run = concat(List.of("run", "--http-port", "0", "--status-interval", "5",
                    // the query API's warm-up query must not fail the start on a loaded machine
                    "--query-timeout", "300"), common);
            List<String> killedAt = new ArrayList<>();
            boolean first = true;
            for (double share : KILL_AT) {
                try (ChildAlmanac pipeline = ChildAlmanac.start(home, false, run)) {
                    pipeline.awaitLine(l -> l.startsWith("Pipeline running against"), Duration.ofSeconds(180));
                    if (first) {
                        // the pipeline created the topics; the input waits there for it
                        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrap, 0)) {
                            sendRegions(bootstrap, TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX,
                                    new AvroSerdes(registry.client())).regions(), regions);
                        }
                        sendRaw(bootstrap, topics.rawRegistrations().name(), registrationLines);
                        sendRaw(bootstrap, topics.rawObservations().name(), lines);
                        first = false;
                    }
                    long target = (long) (share * lines.size());
                    Awaitility.await("foundation committed " + target + " raw observations").atMost(Duration.ofSeconds(300))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> committed(bootstrap, "almanac", topics.rawObservations().name()) >= target);
                    long at = committed(bootstrap, "almanac", topics.rawObservations().name());
                    pipeline.signal("KILL", false);
                    pipeline.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                    killedAt.add(at + "/" + lines.size());
                }
            }
            try (ChildAlmanac pipeline = ChildAlmanac.start(home, false, run)) {
                pipeline.awaitLine(l -> l.startsWith("Pipeline running against"), Duration.ofSeconds(180));
                AlmanacConfig config = AlmanacConfig.defaults(bootstrap, home.resolve("state"));
                var derived = DerivedTopology.build(topics, DerivedDefinitions.bundled(), Pipeline.streamsProperties(config,
                        Pipeline.derivedApplicationId(config)));
                try (CaughtUpCheck check = new CaughtUpCheck(bootstrap)) {
                    check.await(config.applicationId(), CaughtUpCheck.sourceTopics(Pipeline.topology(topics)), Duration.ofSeconds(400));
                    check.await(Pipeline.derivedApplicationId(config), CaughtUpCheck.sourceTopics(derived), Duration.ofSeconds(300));
                }
                pipeline.signal("TERM", false);
                pipeline.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }

            // The crash-free reference: the same topologies over the same records, without a broker.
            Reference ref = Reference.of(lines, registrationLines, regions);

            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrap, 0)) {
                TopicCatalogue live = TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX, new AvroSerdes(registry.client()));
                Duration t = Duration.ofSeconds(120);
                long valid = count(bootstrap, live.validObservations().name());
                long dead = count(bootstrap, live.rejectedObservations().name());
                assertEquals(lines.size(), valid + dead, "one committed record per line: valid " + valid + " + dead letters " + dead);
                assertEquals(ref.accepted, valid, "valid topic: exactly the lines a crash-free run accepts");
                assertEquals(stats.bad(), dead, "dead-letter topic: exactly the bad lines");
                assertEquals(stats.observations() + stats.duplicates(), valid);

                Map<ObservationKey, IndicatorObservation> latest = TableReader.read(bootstrap, live.latest(), t);
                assertEquals(ref.latest.size(), latest.size(), "latest table rows");
                assertEquals(ref.latest, latest, "latest table equals the crash-free one");
                Map<SeriesKey, IndicatorObservation> current = TableReader.read(bootstrap, live.current(), t);
                assertEquals(ref.current, current, "current table equals the crash-free one");

                TableDefinition.Registrations def = ref.definitions.registrations().orElseThrow();
                RegistrationTopology.Topics reg = RegistrationTopology.topics(live, def);
                var cumulative = TableReader.read(bootstrap, reg.cumulative(), t);
                assertEquals(ref.cumulative, cumulative, "registration counts equal the crash-free ones");
                var monthly = TableReader.read(bootstrap, reg.monthly(), t);
                assertEquals(ref.monthly, monthly, "monthly registration counts equal the crash-free ones");
                long regValidDead = count(bootstrap, live.rejectedRegistrations().name());
                assertEquals(ref.registrationsRejected, regValidDead, "registration dead letters");

                System.out.printf("CrashReplayIT: seed %d, %d observation lines (%d observations, %d duplicates, %d bad, shuffled),"
                                + " %d registration lines (%d repeats); killed with SIGKILL at committed %s; valid %d, dead letters %d,"
                                + " latest %d rows, current %d rows, cumulative registration counts %d rows (CN-BJ %s); %.0f s%n",
                        SEED, lines.size(), stats.observations(), stats.duplicates(), stats.bad(), registrationLines.size(), 100,
                        killedAt, valid, dead, latest.size(), current.size(), cumulative.size(),
                        cumulative.get("CN-BJ") == null ? "-" : cumulative.get("CN-BJ").getCount(), (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** The tables a crash-free run produces: the foundation and derived topologies in TopologyTestDriver. */
    private record Reference(long accepted, Map<ObservationKey, IndicatorObservation> latest,
                             Map<SeriesKey, IndicatorObservation> current, Map<String, ?> cumulative, Map<?, ?> monthly,
                             long registrationsRejected, dev.almanac.derived.definition.DerivedDefinitions definitions) {

        static Reference of(List<String> lines, List<String> registrationLines, List<Region> regions) {
            TopicCatalogue topics = Fixtures.catalogue();
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "crash-reference-" + System.nanoTime());
            p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/almanac-tests");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            long accepted;
            Map<ObservationKey, IndicatorObservation> latest;
            Map<SeriesKey, IndicatorObservation> current;
            try (TopologyTestDriver d = new TopologyTestDriver(FoundationTopology.build(topics), p)) {
                TestInputTopic<byte[], byte[]> raw = d.createInputTopic(topics.rawObservations().name(),
                        Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
                lines.forEach(l -> raw.pipeInput(null, l.getBytes(StandardCharsets.UTF_8)));
                accepted = output(d, topics.validObservations()).getQueueSize();
                latest = DerivedDriver.table(output(d, topics.latest()));
                current = DerivedDriver.table(output(d, topics.current()));
            }
            try (DerivedDriver d = new DerivedDriver()) {
                TableDefinition.Registrations def = d.definitions.registrations().orElseThrow();
                RegistrationTopology.Topics reg = RegistrationTopology.topics(d.topics, def);
                TestOutputTopic<String, ?> cumulative = d.output(reg.cumulative());
                TestOutputTopic<?, ?> monthly = d.output(reg.monthly());
                TestOutputTopic<byte[], byte[]> rejected = d.output(d.topics.rejectedRegistrations());
                regions.forEach(r -> d.regions.pipeInput(r.getCode(), r));
                registrationLines.forEach(d::registrationJson);
                return new Reference(accepted, latest, current, DerivedDriver.table(cumulative), DerivedDriver.table(monthly),
                        rejected.getQueueSize(), d.definitions);
            }
        }

        private static <K, V> TestOutputTopic<K, V> output(TopologyTestDriver d, Topic<K, V> t) {
            return d.createOutputTopic(t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void sendRegions(String bootstrap, Topic<String, Region> t, List<Region> regions) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Region> producer = new KafkaProducer<>(p, t.keySerde().serializer(), t.valueSerde().serializer())) {
            regions.forEach(r -> producer.send(new ProducerRecord<>(t.name(), r.getCode(), r)));
            producer.flush();
        }
    }

    private static void sendRaw(String bootstrap, String topic, List<String> lines) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String l : lines) {
                producer.send(new ProducerRecord<>(topic, null, l.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    /** Raw records the group has committed as processed, over all partitions of {@code topic}. */
    private static long committed(String bootstrap, String group, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    /** Records a read_committed consumer sees in {@code topic}. */
    private static long count(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long n = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic + " took over 120 s");
                n += c.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
