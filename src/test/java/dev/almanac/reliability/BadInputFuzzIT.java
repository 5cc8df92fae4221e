package dev.almanac.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.kafka.DeadLetters;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.runtime.Pipeline;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaCluster;
import dev.almanac.testing.MalformedRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any bytes on the raw topics, counted and nothing lost: seeded malformed records (random bytes,
 * truncated and deep JSON, wrong types, invalid UTF-8, bogus Confluent frames, empty values, tombstones,
 * keys of any shape, oversized strings) go straight to the raw observation and registration topics of a
 * running pipeline, and malformed records to the regions topic. Then both applications are still RUNNING on their original stream threads, and per
 * raw partition: accepted + rejected = records in the partition, and the read_committed dead-letter
 * topic holds exactly the rejected ones, each with a reason and its original bytes.
 */
@Timeout(600)
class BadInputFuzzIT {

    static final long SEED = 20261201L;
    static final int OBSERVATIONS = 10_000;
    static final int REGISTRATIONS = 5_000;
    static final int REGIONS = 2_000;

    private static KafkaCluster cluster;
    private static Pipeline pipeline;
    private static TopicCatalogue topics;
    private static AlmanacConfig config;

    @BeforeAll
    static void start(@TempDir Path state) throws Exception {
        cluster = KafkaCluster.start(1);
        config = AlmanacConfig.defaults(cluster.bootstrapServers(), state).withApplicationId("fuzz").withTopicPrefix("fuzz");
        topics = TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(new LocalSchemaRegistry()));
        pipeline = new Pipeline(config, topics).start(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
        cluster.close();
    }

    @Test
    void shouldCountEveryMalformedObservationPerPartitionAndKeepRunning() throws Exception {
        List<MalformedRecords.Sample> samples = MalformedRecords.generate(SEED, OBSERVATIONS, Fixtures.bundledObservations(),
                LocalSchemaRegistry.idOf(IndicatorObservation.getClassSchema()));
        String raw = topics.rawObservations().name();
        send(raw, samples);
        try (CaughtUpCheck settle = new CaughtUpCheck(cluster.bootstrapServers())) {
            settle.await(config.applicationId(), CaughtUpCheck.sourceTopics(pipeline.topology()), Duration.ofSeconds(150));
        }
        check("observations", samples, raw, topics.rejectedObservations().name(), pipeline.streams(),
                FoundationTopology.VALIDATION_COUNTS_STORE);
    }

    @Test
    void shouldCountEveryMalformedRegistrationPerPartitionAndKeepRunning() throws Exception {
        List<ModelRegistration> valid = RegistrationGenerator.generate(RegistrationGenerator.beijing(627, SEED,
                RegistrationGenerator.anchors(Fixtures.bundledObservations().stream().map(ObservationJson::parse).toList(),
                        "registered_llm_count", "CN-BJ")));
        List<MalformedRecords.Sample> samples = MalformedRecords.generate(SEED + 1, REGISTRATIONS,
                valid.stream().map(RegistrationJson::toJson).toList(), LocalSchemaRegistry.idOf(ModelRegistration.getClassSchema()));
        String raw = topics.rawRegistrations().name();
        send(raw, samples);
        try (CaughtUpCheck settle = new CaughtUpCheck(cluster.bootstrapServers())) {
            settle.await(Pipeline.derivedApplicationId(config), CaughtUpCheck.sourceTopics(pipeline.derivedTopology()),
                    Duration.ofSeconds(300));
        }
        TableDefinition.Registrations def = pipeline.definitions().registrations().orElseThrow();
        check("registrations", samples, raw, topics.rejectedRegistrations().name(), pipeline.derivedStreams(),
                RegistrationTopology.validationCountsStore(def));
    }

    @Test
    void shouldDeadLetterEveryUndecodableRegionAndKeepTheDerivedTablesRunning() throws Exception {
        List<dev.almanac.avro.Region> valid = dev.almanac.region.RegionJson.parseAll(Fixtures.lines(Fixtures.repo().resolve("data/regions.jsonl")));
        // A table topic: a null value deletes a region and a null key is dropped by Kafka Streams (dropped-records
        // metric), so neither is bad input here; every other shape is.
        List<MalformedRecords.Sample> samples = MalformedRecords.generate(SEED + 2, REGIONS,
                        Fixtures.lines(Fixtures.repo().resolve("data/regions.jsonl")), LocalSchemaRegistry.idOf(dev.almanac.avro.Region.getClassSchema()))
                // framed garbage with the real schema id may happen to decode as some region: left to the other topics
                .stream().filter(x -> x.value() != null && x.kind() != MalformedRecords.Kind.FRAMED_GARBAGE).map(x -> x.key() == null ? new MalformedRecords.Sample(x.kind(), new byte[0], x.value()) : x)
                .toList();
        var t = topics.regions();
        Map<Integer, Long> validPer = new TreeMap<>();
        Map<Integer, Long> garbagePer = new TreeMap<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> good = new java.util.ArrayList<>();
            for (dev.almanac.avro.Region r : valid) {
                good.add(producer.send(new ProducerRecord<>(t.name(), t.keySerde().serializer().serialize(t.name(), r.getCode()),
                        t.valueSerde().serializer().serialize(t.name(), r))));
            }
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> bad = new java.util.ArrayList<>();
            for (MalformedRecords.Sample x : samples) {
                bad.add(producer.send(new ProducerRecord<>(t.name(), x.key(), x.value())));
            }
            producer.flush();
            for (var f : good) {
                validPer.merge(f.get().partition(), 1L, Long::sum);
            }
            for (var f : bad) {
                garbagePer.merge(f.get().partition(), 1L, Long::sum);
            }
        }
        try (CaughtUpCheck settle = new CaughtUpCheck(cluster.bootstrapServers())) {
            settle.await(Pipeline.derivedApplicationId(config), CaughtUpCheck.sourceTopics(pipeline.derivedTopology()),
                    Duration.ofSeconds(300));
        }
        KafkaStreams app = pipeline.derivedStreams();
        assertEquals(KafkaStreams.State.RUNNING, app.state(), "regions: the derived application still runs");
        app.metadataForLocalThreads().forEach(x -> assertTrue(x.threadName().endsWith("-StreamThread-1"), x.threadName()));
        Map<Integer, Long> deadPer = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(topics.rejectedRegions().name())) {
            assertEquals(t.name(), header(r, DeadLetters.H_TOPIC));
            assertEquals("UNDECODABLE", header(r, DeadLetters.H_REASON));
            deadPer.merge(Integer.parseInt(header(r, DeadLetters.H_PARTITION)), 1L, Long::sum);
        }
        Map<Integer, Long> inPartition = endOffsets(t.name());
        for (Map.Entry<Integer, Long> e : inPartition.entrySet()) {
            long dead = deadPer.getOrDefault(e.getKey(), 0L);
            long good = validPer.getOrDefault(e.getKey(), 0L);
            assertEquals(garbagePer.getOrDefault(e.getKey(), 0L).longValue(), dead, "regions partition " + e.getKey() + ": every bad record dead-lettered once");
            assertEquals(e.getValue().longValue(), dead + good, "regions partition " + e.getKey() + ": decoded + dead-lettered = records in it");
        }
        ReadOnlyKeyValueStore<String, dev.almanac.avro.Region> regions = pipeline.derivedKeyValueStore(dev.almanac.derived.DerivedInputs.REGIONS_STORE);
        for (dev.almanac.avro.Region r : valid) {
            assertTrue(regions.get(r.getCode()) != null, "region " + r.getCode() + " is in the table");
        }
        System.out.printf("BadInputFuzzIT regions: seed %d, %d valid regions + %d malformed records; per partition %s;"
                + " dead-lettered %s%n", SEED + 2, valid.size(), samples.size(), inPartition, deadPer);
    }

    @Test
    void shouldReportMalformedLinesByNumberAndSendEveryLineWhenProduceReadsABadFile(@TempDir Path dir) throws Exception {
        List<String> good = Fixtures.bundledObservations().subList(0, 3);
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        List<byte[]> lines = List.of(utf8(good.get(0)), utf8("not json at all"), utf8(good.get(1) + "\r"), utf8("{\"indicator\":"),
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, utf8("[1,2]"), utf8(""),
                utf8("[".repeat(5000)), utf8(good.get(2)));
        for (byte[] l : lines) {
            file.write(l);
            file.write('\n');
        }
        Path f = dir.resolve("bad.jsonl");
        java.nio.file.Files.write(f, file.toByteArray());
        ValidationCounts before = pipeline.validationCounts();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        int code;
        try {
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            code = dev.almanac.cli.Main.execute("produce", "--file", f.toString(), "--bootstrap-servers", cluster.bootstrapServers(),
                    "--topic-prefix", config.topicPrefix());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        String reported = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed + reported);
        for (String expected : List.of(":2: not valid JSON", ":4: not valid JSON", ":5: not UTF-8", ":6: not a JSON object", ":8: not valid JSON")) {
            assertTrue(reported.contains(expected), "reported " + expected + ":\n" + reported);
        }
        assertTrue(printed.contains("sent 8 records") && printed.contains("; 5 malformed lines"), printed);
        try (CaughtUpCheck settle = new CaughtUpCheck(cluster.bootstrapServers())) {
            settle.await(config.applicationId(), CaughtUpCheck.sourceTopics(pipeline.topology()), Duration.ofSeconds(120));
        }
        ValidationCounts after = pipeline.validationCounts();
        assertEquals(8, after.read() - before.read(), "every non-blank line reached the pipeline");
        assertEquals(5, after.rejected() - before.rejected(), "the malformed ones were dead-lettered");
        System.out.printf("BadInputFuzzIT produce: 9 lines (1 blank), 5 malformed reported by line number, 8 sent, 3 accepted%n");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void check(String what, List<MalformedRecords.Sample> samples, String raw, String deadLetters,
                       KafkaStreams app, String countsStore) {
        assertEquals(KafkaStreams.State.RUNNING, app.state(), what + ": the application still runs");
        app.metadataForLocalThreads().forEach(t -> assertTrue(t.threadName().endsWith("-StreamThread-1"),
                what + ": the original stream thread still runs, none died and was replaced: " + t.threadName()));

        Map<Integer, Long> inPartition = endOffsets(raw);
        Map<Integer, Long> deadByOrigin = new TreeMap<>();
        long deadTotal = 0;
        Map<String, Long> byReason = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(deadLetters)) {
            String origin = header(r, DeadLetters.H_PARTITION);
            deadByOrigin.merge(Integer.parseInt(origin), 1L, Long::sum);
            byReason.merge(header(r, DeadLetters.H_REASON), 1L, Long::sum);
            deadTotal++;
        }
        long accepted = 0;
        long rejected = 0;
        for (Map.Entry<Integer, Long> p : inPartition.entrySet()) {
            ValidationCounts c = ValidationCounts.sum(partitionStore(app, countsStore, p.getKey()));
            assertEquals(p.getValue().longValue(), c.accepted() + c.rejected(),
                    what + " partition " + p.getKey() + ": accepted " + c.accepted() + " + rejected " + c.rejected() + " = records in it");
            assertEquals(c.rejected(), deadByOrigin.getOrDefault(p.getKey(), 0L).longValue(),
                    what + " partition " + p.getKey() + ": one committed dead letter per rejection");
            accepted += c.accepted();
            rejected += c.rejected();
        }
        long inTopic = inPartition.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(inTopic, accepted + rejected, what + ": every record in the topic was read once");
        assertTrue(inTopic >= samples.size(), what + ": the fuzz records are all in the topic");
        assertEquals(rejected, deadTotal);
        Map<MalformedRecords.Kind, Long> kinds = new EnumMap<>(MalformedRecords.Kind.class);
        samples.forEach(s -> kinds.merge(s.kind(), 1L, Long::sum));
        long validSent = kinds.getOrDefault(MalformedRecords.Kind.VALID, 0L);
        assertTrue(accepted >= validSent, what + ": every untouched valid record is accepted (" + accepted + " < " + validSent + ")");
        System.out.printf("BadInputFuzzIT %s: seed %d, sent %d %s; per partition %s; accepted %d (untouched valid %d), rejected %d %s%n",
                what, SEED, samples.size(), kinds, inPartition, accepted, validSent, rejected, byReason);
    }

    private static ReadOnlyKeyValueStore<String, Long> partitionStore(KafkaStreams app, String store, int partition) {
        return app.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, Long>keyValueStore())
                .withPartition(partition));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        assertTrue(h != null, "dead letter without header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void send(String topic, List<MalformedRecords.Sample> samples) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (MalformedRecords.Sample s : samples) {
                producer.send(new ProducerRecord<>(topic, s.key(), s.value()));
            }
            producer.flush();
        }
    }

    private static Map<Integer, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer("read_committed")) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<Integer, Long> out = new TreeMap<>();
            c.endOffsets(parts).forEach((tp, off) -> out.put(tp.partition(), off));
            return out;
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return Fixtures.readCommitted(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()), topic, Duration.ofSeconds(60));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
