package dev.almanac.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.derived.share.ShareTopology;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.region.RegionJson;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.ContainerKafka;
import dev.almanac.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The pipeline end to end against a Kafka broker in a container (Testcontainers' KafkaContainer on the local
 * Kafka image), as it runs against any external cluster; then the same with the container restarted while
 * records are in flight. The in-JVM KafkaClusterTestKit tests cover the rest, faster.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerKafkaPipelineIT {

    private static KafkaContainer kafka;

    @BeforeAll
    static void startContainer() {
        ContainerKafka.assumeAvailable(ContainerKafkaPipelineIT.class);
        kafka = ContainerKafka.create();
        kafka.start();
    }

    @AfterAll
    static void stopContainer() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    @Order(1)
    void shouldBuildTablesAndDerivedTopicsFromBundledDataOnBrokerInContainer(@TempDir Path state) throws Exception {
        List<String> lines = Fixtures.bundledObservations();
        try (Pipeline pipeline = startPipeline(state, "container-e2e", "ce2e")) {
            TopicCatalogue topics = pipeline.topics();
            Fixtures.sendBundledRegions(kafka.getBootstrapServers(), topics);
            try (RawProducer producer = new RawProducer(kafka.getBootstrapServers())) {
                lines.forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
                Fixtures.demoRegistrations().forEach(r -> producer.sendLine(topics.rawRegistrations().name(), RegistrationJson.toJson(r)));
                producer.flush();
            }
            pipeline.awaitSettled(Duration.ofSeconds(180));

            ValidationCounts counts = pipeline.validationCounts();
            assertEquals(lines.size(), counts.accepted());
            assertEquals(0, counts.rejected());
            ObservationKey beijingEnd2025 = new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-12-31");
            IndicatorObservation reported = pipeline.latestHistory().get(beijingEnd2025, Long.MAX_VALUE);
            assertEquals(209.0, reported.getValue());
            TableDefinition.Registrations regDef = pipeline.definitions().registrations().orElseThrow();
            RegistrationReconciliation reconciled = await(() -> {
                RegistrationReconciliation r = pipeline.<ObservationKey, RegistrationReconciliation>derivedKeyValueStore(
                        RegistrationTopology.reconciliationStore(regDef)).get(beijingEnd2025);
                return r != null && r.getCounted() == 209 ? r : null;
            }, "Beijing's counted registrations to reach the reported 209");
            assertTrue(reconciled.getConsistent());

            // The derived topic's bytes, read from the container's broker and decoded by hand: Confluent wire format.
            String sharesTopic = ShareTopology.topic(topics, pipeline.definitions().tables(TableDefinition.Shares.class).get(0)).name();
            Map<String, GenericRecord> shares = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(sharesTopic)) {
                ByteBuffer header = ByteBuffer.wrap(r.value(), 0, 5);
                assertEquals(0, header.get(), "magic byte");
                assertEquals(LocalSchemaRegistry.idOf(ShareOfParent.getClassSchema()), header.getInt(), "schema id");
                GenericRecord value = new GenericDatumReader<GenericRecord>(ShareOfParent.getClassSchema())
                        .read(null, DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
                GenericRecord key = new GenericDatumReader<GenericRecord>(ObservationKey.getClassSchema())
                        .read(null, DecoderFactory.get().binaryDecoder(r.key(), 5, r.key().length - 5, null));
                shares.put(key.get("indicator") + "|" + key.get("region") + "|" + key.get("period"), value);
            }
            GenericRecord pudong = shares.get("gdp|CN-SH-PD|2025");
            assertEquals("CN-SH", pudong.get("parent").toString());
            assertEquals(100 * 1.88 / 5.67, (Double) pudong.get("value"), 1e-9);
        }
    }

    @Test
    @Order(2)
    void shouldCountEveryObservationOnceWhenBrokerContainerRestartsMidStream(@TempDir Path state) throws Exception {
        List<String> lines = Fixtures.bundledObservations();
        Set<String> distinctKeys = new HashSet<>();
        lines.stream().map(ObservationJson::parse).forEach(o -> distinctKeys.add(o.getIndicator() + "|" + o.getRegion() + "|" + o.getPeriod()));
        int half = lines.size() / 2;
        try (Pipeline pipeline = startPipeline(state, "container-restart", "crestart")) {
            TopicCatalogue topics = pipeline.topics();
            try (RawProducer producer = new RawProducer(kafka.getBootstrapServers())) {
                lines.subList(0, half).forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
                producer.flush();
                // The pipeline is processing the first half (transactions open) when the broker goes away.
                ContainerKafka.restart(kafka, Duration.ofSeconds(120));
                lines.subList(half, lines.size()).forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
                producer.flush();
            }
            pipeline.awaitSettled(Duration.ofSeconds(180));

            ValidationCounts counts = await(() -> {
                ValidationCounts c = pipeline.validationCounts();
                return c.read() >= lines.size() ? c : null;
            }, "every observation to be validated");
            assertEquals(lines.size(), counts.read(), "exactly once: nothing counted twice across the restart");
            assertEquals(lines.size(), counts.accepted());
            Map<ObservationKey, IndicatorObservation> latest = pipeline.latestHistory().table();
            assertEquals(distinctKeys.size(), latest.size());
            assertEquals(209.0, latest.get(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-12-31")).getValue());
        }
    }

    /** The pipeline against the container's broker, with an application id and topics of its own. */
    private static Pipeline startPipeline(Path state, String applicationId, String topicPrefix) throws Exception {
        AlmanacConfig config = AlmanacConfig.defaults(kafka.getBootstrapServers(), state)
                .withApplicationId(applicationId).withTopicPrefix(topicPrefix);
        return new Pipeline(config, Fixtures.catalogue(topicPrefix)).start(Duration.ofSeconds(120));
    }

    /** Every committed record of a topic, read from the beginning until a poll comes back empty. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "container-it-reader-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        List<ConsumerRecord<byte[], byte[]>> all = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            boolean seenAny = false;
            while (Instant.now().isBefore(deadline)) {
                var batch = consumer.poll(Duration.ofSeconds(2));
                batch.forEach(all::add);
                seenAny |= !batch.isEmpty();
                if (seenAny && batch.isEmpty()) {
                    break;
                }
            }
        }
        assertTrue(!all.isEmpty(), "records in " + topic);
        return all;
    }

    /** Waits until {@code condition} yields a value, re-checking every 100 ms, failing after two minutes. */
    private static <T> T await(Supplier<T> condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        Object monitor = new Object();
        while (Instant.now().isBefore(deadline)) {
            try {
                T value = condition.get();
                if (value != null) {
                    return value;
                }
            } catch (IllegalStateException e) {
                // a store is not queryable while its application rebalances: try again
            }
            synchronized (monitor) {
                monitor.wait(100);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
