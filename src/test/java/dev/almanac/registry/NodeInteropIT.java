package dev.almanac.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.SchemaIds;
import dev.almanac.testing.KafkaCluster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof with clients Almanac did not write: Node's kafkajs 2.2.4 and @kafkajs/confluent-schema-registry
 * 3.9.0 (installed with {@code npm ci} from src/test/node) read Almanac's derived topic through the
 * embedded registry, register schemas (one refused with 409), and produce Avro observations that the
 * running foundation pipeline accepts into its latest table. Skipped when node or npm is missing.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class NodeInteropIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NODE_PROJECT = Path.of("src", "test", "node");
    /** Overridable (-Dalmanac.node=..., -Dalmanac.npm=...) to use another Node, or to check the skip. */
    private static final String NODE = System.getProperty("almanac.node", "node");

    @TempDir
    Path stateDir;

    @Test
    void shouldInteroperateWhenKafkajsReadsAndWritesThroughTheEmbeddedRegistry() throws Exception {
        Assumptions.assumeTrue(works(NODE, "--version") && works(npm(), "--version"),
                "node/npm not found on PATH: skipping the kafkajs interoperability test (install Node 20+ to run it)");
        Path work = prepareNodeProject();

        try (KafkaCluster cluster = KafkaCluster.startCombined();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(cluster.clientConfig(),
                     TopicCatalogue.SCHEMAS_TOPIC, "127.0.0.1", 0, Duration.ofSeconds(30))) {
            TopicCatalogue topics = TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX, new AvroSerdes(registry.client()));
            createTopics(cluster, topics);
            try (KafkaStreams streams = new KafkaStreams(FoundationTopology.build(topics), streamsConfig(cluster))) {
                streams.start();
                List<String> seeds = List.of(
                        observation("asof:2025-03-31", 132, "2025-04-10"),
                        observation("asof:2025-06-30", 183, "2025-07-15"),
                        observation("asof:2025-12-31", 209, "2026-01-08"));
                produceJson(cluster, topics.rawObservations(), seeds);
                List<IndicatorObservation> written = awaitLatest(cluster, topics, List.of(), seeds.size());
                Path result = work.resolve("result.json");
                run(work, Map.of(
                        "BOOTSTRAP", cluster.bootstrapServers(),
                        "REGISTRY_URL", registry.url(),
                        "V2_SCHEMA", resource("/registry/IndicatorObservation-v2.avsc"),
                        "INCOMPATIBLE_SCHEMA", resource("/registry/IndicatorObservation-incompatible.avsc"),
                        "LATEST_TOPIC", topics.latest().name(),
                        "RAW_TOPIC", topics.rawObservations().name(),
                        "EXPECT_LATEST", Integer.toString(seeds.size()),
                        "RESULT", result.toString()), NODE, "interop.js");
                JsonNode out = JSON.readTree(result.toFile());

                int latestId = SchemaIds.idOf(IndicatorObservation.getClassSchema());
                assertEquals(latestId, out.at("/latestSchema/id").asInt(), "kafkajs found the id Almanac registered");
                assertEquals("dev.almanac.avro.IndicatorObservation", out.at("/latestSchema/name").asText());
                List<String> decodedByNode = new ArrayList<>();
                for (JsonNode r : out.get("latest")) {
                    assertEquals(latestId, r.get("schemaId").asInt());
                    assertEquals(r.at("/key/period").asText(), r.at("/value/period").asText());
                    decodedByNode.add(r.at("/value/period").asText() + "=" + r.at("/value/value").asDouble()
                            + "@" + r.at("/value/published").asLong() + "/" + r.at("/value/qualifier").asText());
                }
                List<String> writtenByAlmanac = written.stream().map(o -> o.getPeriod() + "=" + o.getValue()
                        + "@" + o.getPublished().toEpochMilli() + "/" + o.getQualifier()).toList();
                assertEquals(sorted(writtenByAlmanac), sorted(decodedByNode), "Node decodes what Almanac wrote");

                assertEquals(409, out.at("/incompatible/status").asInt(), out.get("incompatible").toString());
                assertTrue(out.at("/incompatible/message").asText().contains("adjustment_method"), out.get("incompatible").toString());
                int v2Id = out.at("/registeredV2/id").asInt();
                assertEquals(TestSchemas.observationV2(), registry.client().byId(v2Id));

                List<IndicatorObservation> fromNode = awaitLatest(cluster, topics, List.of("node-obs-1", "node-obs-2"), 0);
                IndicatorObservation gdp = fromNode.stream().filter(o -> o.getId().equals("node-obs-1")).findFirst().orElseThrow();
                assertEquals(3.7e12, gdp.getValue());
                assertEquals("地区生产总值", gdp.getIndicatorLabel());
                assertEquals("2025-Q1..Q3", gdp.getPeriod());
                IndicatorObservation unicorns = fromNode.stream().filter(o -> o.getId().equals("node-obs-2")).findFirst().orElseThrow();
                assertEquals(115.0, unicorns.getValue());
            }
        }
    }

    private static String observation(String period, int value, String published) {
        return JSON.createObjectNode().put("indicator", "registered_llm_count").put("region", "CN-BJ").put("period", period)
                .put("value", value).put("unit", "count").put("published", published).put("source", "interop test").toString();
    }

    /**
     * Reads the latest topic from the start until it holds {@code ids} (or, with none given, at least
     * {@code count} records), with a deadline.
     */
    private static List<IndicatorObservation> awaitLatest(KafkaCluster cluster, TopicCatalogue topics, List<String> ids, int count) {
        Map<String, Object> config = new HashMap<>(cluster.clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Topic<ObservationKey, IndicatorObservation> latest = topics.latest();
        List<IndicatorObservation> seen = new ArrayList<>();
        try (KafkaConsumer<ObservationKey, IndicatorObservation> consumer = new KafkaConsumer<>(config,
                latest.keySerde().deserializer(), latest.valueSerde().deserializer())) {
            consumer.subscribe(List.of(latest.name()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<ObservationKey, IndicatorObservation> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.value());
                }
                List<String> seenIds = seen.stream().map(IndicatorObservation::getId).toList();
                if (ids.isEmpty() ? seen.size() >= count : seenIds.containsAll(ids)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("latest topic did not get " + (ids.isEmpty() ? count + " records" : ids) + " in time; saw " + seen);
    }

    private static void produceJson(KafkaCluster cluster, Topic<byte[], byte[]> raw, List<String> lines) throws Exception {
        Map<String, Object> config = new HashMap<>(cluster.clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(raw.name(), line.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static void createTopics(KafkaCluster cluster, TopicCatalogue topics) throws Exception {
        List<NewTopic> newTopics = new ArrayList<>();
        for (Topic<?, ?> t : topics.all()) {
            NewTopic topic = new NewTopic(t.name(), 2, (short) 1);
            if (t.compacted()) {
                topic.configs(Map.of("cleanup.policy", "compact"));
            }
            newTopics.add(topic);
        }
        try (Admin admin = cluster.admin()) {
            admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private Properties streamsConfig(KafkaCluster cluster) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "almanac-interop");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    /** Copies the Node project into target/ and installs its locked dependencies there. */
    private static Path prepareNodeProject() throws Exception {
        Path work = Path.of("target", "node-interop").toAbsolutePath();
        Files.createDirectories(work);
        for (String file : List.of("package.json", "package-lock.json", "interop.js")) {
            Path source = NODE_PROJECT.resolve(file);
            if (Files.exists(source)) {
                Files.copy(source, work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        boolean locked = Files.exists(work.resolve("package-lock.json"));
        run(work, Map.of(), npm(), locked ? "ci" : "install", "--no-audit", "--no-fund");
        return work;
    }

    private static void run(Path dir, Map<String, String> env, String... command) throws Exception {
        File log = dir.resolve(command[0].replaceAll("\\W", "_") + "-" + command[command.length - 1].replaceAll("\\W", "_") + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 300 s:\n" + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + tail(log));
        }
    }

    private static String tail(File log) throws IOException {
        List<String> lines = Files.readAllLines(log.toPath());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String npm() {
        return System.getProperty("almanac.npm", System.getProperty("os.name").toLowerCase().contains("win") ? "npm.cmd" : "npm");
    }

    private static String resource(String name) throws Exception {
        return Path.of(NodeInteropIT.class.getResource(name).toURI()).toString();
    }

    private static List<String> sorted(List<String> list) {
        return list.stream().sorted().toList();
    }
}
