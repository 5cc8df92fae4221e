package dev.almanac.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.Rejection;
import dev.almanac.registry.EmbeddedSchemaRegistry;
import dev.almanac.serde.HttpSchemaRegistryClient;
import dev.almanac.testing.ChildAlmanac;
import dev.almanac.testing.Fixtures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import dev.almanac.testing.KafkaCluster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external schema registry that goes away while Confluent-framed records arrive whose schema id the
 * pipeline has not seen yet: the records wait (retried in place with a short backoff, then by replacing the
 * stream thread, each attempt with a log line saying why) rather than being dead-lettered as undecodable,
 * and once the registry is back on its address they are validated and land in the tables with nothing
 * rejected (docs/reliability.md, scenario 4).
 */
class RegistryOutageIT {

    private static final int RECORDS = 20;
    private static final String OUTAGE_LINE = "schema registry unavailable";

    @Test
    @Timeout(300)
    void shouldRetryFramedRecordsUntilTheRegistryIsBackInsteadOfDeadLetteringThem(@TempDir Path dir) throws Exception {
        int port = Fixtures.freePort();
        String registryUrl = "http://127.0.0.1:" + port;
        TopicCatalogue topics = Fixtures.catalogue();
        try (KafkaCluster cluster = KafkaCluster.startCombined()) {
            EmbeddedSchemaRegistry registry = startRegistry(cluster, port);
            try (ChildAlmanac run = ChildAlmanac.start(dir.resolve("home"), false, List.of("run",
                    "--bootstrap-servers", cluster.bootstrapServers(), "--schema-registry-url", registryUrl,
                    "--state-dir", dir.resolve("state").toString(), "--http-port", "0", "--status-interval", "1",
                    // A replaced stream thread's member leaves the group after the session timeout: 10 s here, 45 s by default.
                    "--streams-setting", "consumer.session.timeout.ms=10000"))) {
                run.awaitLine(l -> l.startsWith("Pipeline running against"), Duration.ofSeconds(180));

                // A short outage: the registry is back while the validator still retries in place.
                registry = outage(cluster, topics, registry, port, run, "short_outage_note", 1,
                        (attempts, replaced) -> attempts >= 2, "two attempts logged");
                // A long outage: past the in-place retries, the stream thread is replaced, and its successor retries.
                registry = outage(cluster, topics, registry, port, run, "long_outage_note", 2,
                        (attempts, replaced) -> replaced >= 1, "a validating stream thread replaced");
                System.out.printf("RegistryOutageIT: the child's retry lines:%n%s%n",
                        String.join("\n", run.output().lines().filter(RegistryOutageIT::attemptLine).toList()));
            } finally {
                registry.close();
            }
        }
    }

    /**
     * Stops the registry, sends {@link #RECORDS} framed records with a schema id the pipeline has never used
     * (registered just before), waits until {@code during} holds for the attempts and thread replacements this
     * outage logged, starts the registry again on its port and
     * waits until the records are accepted ({@code round} × {@link #RECORDS} in all) and committed. Returns
     * the running registry.
     */
    private static EmbeddedSchemaRegistry outage(KafkaCluster cluster, TopicCatalogue topics, EmbeddedSchemaRegistry registry,
                                                 int port, ChildAlmanac run, String field, int round,
                                                 java.util.function.BiPredicate<Integer, Integer> during, String what) throws Exception {
        String registryUrl = "http://127.0.0.1:" + port;
        Schema evolved = withOptionalField(IndicatorObservation.getClassSchema(), field);
        int id = new HttpSchemaRegistryClient(registryUrl).register(topics.rawObservations().name() + "-value", evolved);
        List<byte[]> framed = framedObservations(evolved, id, field);
        int linesBefore = outageLines(run);
        int replacedBefore = replacements(run);
        registry.close();
        long outageStart = System.nanoTime();
        send(cluster, topics.rawObservations().name(), framed);

        // The decode fails on the registry, is logged as such, and retried until the registry is back.
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> during.test(outageLines(run) - linesBefore, replacements(run) - replacedBefore));
        assertTrue(run.process().isAlive(), run.tail());
        assertEquals(0, readCommitted(cluster, topics.rejectedObservations().name()).size(), "dead letters during the outage");
        double outage = (System.nanoTime() - outageStart) / 1e9;

        EmbeddedSchemaRegistry back = startRegistry(cluster, port);
        long backAt = System.nanoTime();
        int total = round * RECORDS;
        run.awaitLine(l -> l.startsWith("read " + total + ", accepted " + total + ", rejected 0"), Duration.ofSeconds(120));
        double recovered = (System.nanoTime() - backAt) / 1e9;
        // The counts store shows what the open transaction wrote; the topic shows it once committed.
        org.awaitility.Awaitility.await("all valid observations committed").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> readCommitted(cluster, topics.validObservations().name()).size() == total);
        assertEquals(0, readCommitted(cluster, topics.rejectedObservations().name()).size(), "dead letters");
        assertTrue(run.output().lines().noneMatch(l -> l.matches("read \\d+, accepted \\d+, rejected [1-9].*")), run.tail());
        System.out.printf("RegistryOutageIT: %d framed records with an unseen schema id sent during a %.1f s registry outage "
                        + "(%d attempts logged, %d validating stream threads replaced); all %d accepted %.1f s after the registry came back, "
                        + "0 dead letters%n", RECORDS, outage, outageLines(run) - linesBefore, replacements(run) - replacedBefore,
                RECORDS, recovered);
        return back;
    }

    /** Stream threads replaced because a record's schema id could not be looked up (not other registry calls). */
    private static int replacements(ChildAlmanac run) {
        return (int) run.output().lines()
                .filter(l -> attemptLine(l) && l.contains("replacing the stream thread") && l.contains("GET /schemas/ids/")).count();
    }

    private static EmbeddedSchemaRegistry startRegistry(KafkaCluster cluster, int port) {
        return EmbeddedSchemaRegistry.start(cluster.clientConfig(), TopicCatalogue.SCHEMAS_TOPIC, "127.0.0.1", port,
                EmbeddedSchemaRegistry.DEFAULT_TIMEOUT);
    }

    /** The pipeline's own log lines of an attempt (Kafka Streams adds the exception's stack trace, not counted). */
    private static int outageLines(ChildAlmanac run) {
        return (int) run.output().lines().filter(RegistryOutageIT::attemptLine).count();
    }

    private static boolean attemptLine(String line) {
        return line.contains(" WARN ") && line.contains(OUTAGE_LINE);
    }

    /** {@code base} with one more optional string field (default null): a compatible writer's schema of its own id. */
    private static Schema withOptionalField(Schema base, String name) throws Exception {
        ObjectNode json = (ObjectNode) new ObjectMapper().readTree(base.toString());
        ObjectNode field = ((ArrayNode) json.get("fields")).addObject();
        field.put("name", name);
        field.putArray("type").add("null").add("string");
        field.putNull("default");
        return new Schema.Parser().parse(json.toString());
    }

    /** The first {@link #RECORDS} valid bundled observations, written with {@code writer} (with {@code field} set) and framed with {@code id}. */
    private static List<byte[]> framedObservations(Schema writer, int id, String field) throws Exception {
        Schema base = IndicatorObservation.getClassSchema();
        List<byte[]> out = new ArrayList<>();
        for (String line : Fixtures.bundledObservations()) {
            if (out.size() == RECORDS) {
                break;
            }
            IndicatorObservation o;
            try {
                o = ObservationJson.parse(line);
            } catch (Rejection.Exception e) {
                continue;
            }
            // Through the generic model, so the fields carry Avro's plain types into the evolved record.
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(plain, null);
            new SpecificDatumWriter<>(IndicatorObservation.class).write(o, enc);
            enc.flush();
            GenericRecord g = new GenericDatumReader<GenericRecord>(base).read(null, DecoderFactory.get().binaryDecoder(plain.toByteArray(), null));
            GenericData.Record evolved = new GenericData.Record(writer);
            base.getFields().forEach(f -> evolved.put(f.name(), g.get(f.name())));
            evolved.put(field, "written while the registry was down");
            ByteArrayOutputStream framed = new ByteArrayOutputStream();
            framed.write(0);
            framed.write(ByteBuffer.allocate(4).putInt(id).array());
            enc = EncoderFactory.get().binaryEncoder(framed, null);
            new GenericDatumWriter<GenericRecord>(writer).write(evolved, enc);
            enc.flush();
            out.add(framed.toByteArray());
        }
        assertEquals(RECORDS, out.size());
        return out;
    }

    private static void send(KafkaCluster cluster, String topic, List<byte[]> values) throws Exception {
        Properties p = new Properties();
        p.putAll(cluster.clientConfig());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, null, v)).get();
            }
        }
    }

    private static List<byte[]> readCommitted(KafkaCluster cluster, String topic) {
        return Fixtures.readCommitted(cluster.clientConfig(), topic, Duration.ofSeconds(60)).stream().map(ConsumerRecord::value).toList();
    }
}
