package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaClusterExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole foundation on a real broker: raw JSON lines in, Avro tables out, bad records dead-lettered. */
@Timeout(180)
class FoundationIT {

    @RegisterExtension
    static final KafkaClusterExtension cluster = new KafkaClusterExtension(1);

    @Test
    void shouldPublishLatestTableInConfluentWireFormatAndRestoreItFromTheValidTopic(@TempDir Path state) throws Exception {
        AlmanacConfig config = AlmanacConfig.defaults(cluster.bootstrapServers(), state)
                .withApplicationId("foundation-it").withTopicPrefix("fit");
        TopicCatalogue topics = Fixtures.catalogue(config.topicPrefix());
        List<String> lines = Fixtures.bundledObservations();
        List<String> bad = List.of("not json at all", Fixtures.json("bad-1", "gdp", "beijing", "2025", "1", "2025-01-01"),
                Fixtures.json("bad-2", "gdp", "CN", "2025-Q9", "1", "2025-01-01"));
        Map<ObservationKey, IndicatorObservation> before;
        List<IndicatorObservation> revisionsBefore;
        try (Pipeline pipeline = new Pipeline(config, topics).start(Duration.ofSeconds(60))) {
            try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
                lines.forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
                bad.forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
                producer.flush();
            }
            try (CaughtUpCheck settle = new CaughtUpCheck(cluster.bootstrapServers())) {
                settle.await(config.applicationId(), CaughtUpCheck.sourceTopics(pipeline.topology()), Duration.ofSeconds(90));
            }
            ValidationCounts counts = pipeline.validationCounts();
            assertEquals(lines.size(), counts.accepted());
            assertEquals(bad.size(), counts.rejected());
            assertEquals(lines.size() + bad.size(), counts.read());

            Map<ObservationKey, IndicatorObservation> fromStore = pipeline.latestHistory().table();
            assertEquals(5.2073e12, fromStore.get(new ObservationKey("gdp", "CN-BJ", "2025")).getValue(), 1e3,
                    "the newest vintage (2026-01-26) revises the late-2025 estimate and the 2026-01-21 figure");

            Map<String, GenericRecord> fromTopic = readTableAsGeneric(topics.latest().name(), fromStore.size());
            assertEquals(fromStore.size(), fromTopic.size(), "the compacted topic holds the same table as the store");
            GenericRecord gdp = fromTopic.get("gdp|CN-BJ|2025");
            assertEquals("a003-003", gdp.get("id").toString());
            assertEquals(Instant.parse("2026-01-26T00:00:00Z").toEpochMilli(), gdp.get("published"));

            List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.rejectedObservations().name(), bad.size());
            assertEquals(bad.size(), dead.size());
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                assertTrue(bad.contains(new String(r.value(), StandardCharsets.UTF_8)), "original bytes are kept");
                assertTrue(r.headers().lastHeader("almanac.reason") != null);
                assertEquals(topics.rawObservations().name(),
                        new String(r.headers().lastHeader("almanac.origin.topic").value(), StandardCharsets.UTF_8));
            }
            before = fromStore;
            revisionsBefore = pipeline.latestHistory().vintages(new ObservationKey("gdp", "CN-BJ", "2025"), Long.MAX_VALUE);
        }

        // The history store has no changelog of its own: with the local state gone, it is rebuilt from the
        // valid topic, each record re-keyed by its vintage, and must come back identical.
        dev.almanac.broker.EmbeddedBroker.deleteTree(state.resolve(config.applicationId()));
        try (Pipeline restarted = new Pipeline(config, topics).start(Duration.ofSeconds(60))) {
            dev.almanac.runtime.StoreReadiness.await(restarted, Duration.ofSeconds(90));
            assertEquals(before, restarted.latestHistory().table(), "the restored latest table");
            assertEquals(3, revisionsBefore.size(), "Beijing's 2025 GDP has three vintages");
            assertEquals(revisionsBefore, restarted.latestHistory().vintages(new ObservationKey("gdp", "CN-BJ", "2025"), Long.MAX_VALUE));
            assertEquals(lines.size(), restarted.validationCounts().accepted(), "nothing was processed twice");
        }
    }

    /**
     * Decodes the topic's bytes by hand, per the Confluent wire format: magic byte 0, a 4-byte
     * big-endian schema id, Avro binary. No Almanac deserializer is involved.
     */
    private Map<String, GenericRecord> readTableAsGeneric(String topic, int expectedKeys) {
        Map<String, GenericRecord> table = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(topic, expectedKeys)) {
            ByteBuffer header = ByteBuffer.wrap(r.value(), 0, 5);
            assertEquals(0, header.get(), "magic byte");
            int id = header.getInt();
            assertEquals(LocalSchemaRegistry.idOf(IndicatorObservation.getClassSchema()), id, "schema id");
            try {
                GenericRecord value = new GenericDatumReader<GenericRecord>(IndicatorObservation.getClassSchema())
                        .read(null, DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
                GenericRecord key = new GenericDatumReader<GenericRecord>(ObservationKey.getClassSchema())
                        .read(null, DecoderFactory.get().binaryDecoder(r.key(), 5, r.key().length - 5, null));
                assertEquals(0, r.key()[0], "keys are framed too");
                table.put(key.get("indicator") + "|" + key.get("region") + "|" + key.get("period"), value);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        return table;
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            int emptyPolls = 0;
            while (Instant.now().isBefore(deadline) && (out.size() < atLeast || emptyPolls < 3)) {
                var records = c.poll(Duration.ofMillis(500));
                records.forEach(out::add);
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
            }
        }
        return out;
    }
}
