package dev.almanac.testing;

import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Shared test data: the bundled dataset and catalogues. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The repository root (tests run with it as working directory). */
    public static Path repo() {
        return Path.of("").toAbsolutePath();
    }

    /** A catalogue with the default prefix and an in-memory registry. */
    public static TopicCatalogue catalogue() {
        return TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX, new AvroSerdes(new LocalSchemaRegistry()));
    }

    /** A catalogue with {@code prefix} and an in-memory registry (what an IT's pipeline and its producers share). */
    public static TopicCatalogue catalogue(String prefix) {
        return TopicCatalogue.create(prefix, new AvroSerdes(new LocalSchemaRegistry()));
    }

    /** Sends data/regions.jsonl to the regions topic, as {@code almanac regions} does; returns once all are acknowledged. */
    public static void sendBundledRegions(String bootstrapServers, TopicCatalogue topics) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("acks", "all");
        var t = topics.regions();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p, t.keySerde().serializer(), t.valueSerde().serializer())) {
            for (dev.almanac.avro.Region r : dev.almanac.region.RegionJson.parseAll(lines(repo().resolve("data/regions.jsonl")))) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(t.name(), r.getCode(), r));
            }
            producer.flush();
        }
    }

    /**
     * The demo's SYNTHETIC registration stream: 627 Beijing registrations (seed 42) generated to match the
     * totals the bundled observations report for registered_llm_count in CN-BJ.
     */
    public static List<dev.almanac.avro.ModelRegistration> demoRegistrations() {
        var anchors = dev.almanac.derived.registration.RegistrationGenerator.anchors(bundledObservations().stream()
                .map(dev.almanac.observation.ObservationJson::parse).toList(), "registered_llm_count", "CN-BJ");
        return dev.almanac.derived.registration.RegistrationGenerator.generate(
                dev.almanac.derived.registration.RegistrationGenerator.beijing(627, 42, anchors));
    }

    /**
     * Closes what a class's tests started, in the order given (the query node before the pipeline before the
     * cluster); a null is what {@code @BeforeAll} did not get to start.
     */
    public static void closeAll(AutoCloseable... inOrder) throws Exception {
        for (AutoCloseable c : inOrder) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A port free at the time of asking (for a query API the test starts right after). */
    public static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The non-blank lines of data/observations.jsonl. */
    public static List<String> bundledObservations() {
        return lines(repo().resolve("data/observations.jsonl"));
    }

    /** The non-blank lines of a file. */
    public static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid observation JSON line. */
    public static String json(String id, String indicator, String region, String period, String value, String published) {
        return String.format("{\"id\":\"%s\",\"indicator\":\"%s\",\"region\":\"%s\",\"period\":\"%s\",\"value\":%s,"
                + "\"unit\":\"count\",\"published\":\"%s\",\"source\":\"test\"}", id, indicator, region, period, value, published);
    }

    /** The latest table computed directly from JSON lines with the foundation's tie rule (published, then id); bad lines left out. */
    public static java.util.Map<String, String> expectedLatest(List<String> lines) {
        java.util.Map<dev.almanac.avro.ObservationKey, dev.almanac.avro.IndicatorObservation> winners = new java.util.HashMap<>();
        for (String line : lines) {
            dev.almanac.avro.IndicatorObservation o;
            try {
                o = dev.almanac.observation.ObservationJson.parse(line);
            } catch (dev.almanac.observation.Rejection.Exception e) {
                continue;
            }
            winners.merge(new dev.almanac.avro.ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod()), o, (x, y) -> {
                int c = x.getPublished().compareTo(y.getPublished());
                return c != 0 ? (c > 0 ? x : y) : (x.getId().compareTo(y.getId()) >= 0 ? x : y);
            });
        }
        java.util.Map<String, String> rows = new java.util.TreeMap<>();
        winners.forEach((k, v) -> rows.put(k.toString(), v.toString()));
        return rows;
    }

    /**
     * Every record of {@code topic} as a read_committed consumer sees it (aborted transactions left out),
     * up to the end each partition had when called: what a subscriber of the topic would be given.
     *
     * @param clientConfig at least {@code bootstrap.servers}
     * @throws AssertionError when the end is not reached within {@code limit}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(Map<String, Object> clientConfig, String topic, Duration limit) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Dead-letter topics hold oversized garbage on purpose.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + limit.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within " + limit.toSeconds() + " s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
