package dev.almanac.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.observation.Published;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends raw records (JSON lines, as written) to an input topic. The record timestamp is the line's
 * {@code published} when it has a readable one, so windows and versioned stores see event time;
 * otherwise the broker's clock. Validation happens in the pipeline, where bad lines are counted and
 * kept in the dead-letter topic: the producer never drops a line.
 */
public final class RawProducer implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public RawProducer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one line to {@code topic}; asynchronous, failures surface in {@link #flush()}. */
    public void sendLine(String topic, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        send(topic, null, bytes, eventTime(line));
    }

    /**
     * Sends one line's bytes exactly as they are (not UTF-8, not JSON: the pipeline dead-letters them),
     * with the line's {@code published} as timestamp when it has a readable one.
     */
    public void sendLine(String topic, byte[] line) {
        send(topic, null, line, malformed(line).isPresent() ? null : eventTime(new String(line, StandardCharsets.UTF_8)));
    }

    /** Why a line is not one JSON object in UTF-8, or empty when it is one (its fields are the pipeline's to check). */
    public static java.util.Optional<String> malformed(byte[] line) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(line));
        } catch (java.nio.charset.CharacterCodingException e) {
            return java.util.Optional.of("not UTF-8");
        }
        try {
            JsonNode node = MAPPER.readTree(line);
            return node != null && node.isObject() ? java.util.Optional.empty() : java.util.Optional.of("not a JSON object");
        } catch (java.io.IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int nl = m.indexOf('\n');
            return java.util.Optional.of("not valid JSON: " + (nl < 0 ? m : m.substring(0, nl)));
        }
    }

    /** Sends one record with an explicit timestamp (null: the broker's clock). */
    public void send(String topic, byte[] key, byte[] value, Long timestamp) {
        Exception earlier = failure.get();
        if (earlier != null) {
            throw new IllegalStateException("sending to " + topic + " failed: " + earlier.getMessage(), earlier);
        }
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    /** Waits until everything sent is acknowledged; throws if anything failed. */
    public void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("sending failed: " + e.getMessage(), e);
        }
    }

    /**
     * The publication time of a JSON line in epoch millis, or null (the broker's clock) when it has
     * none readable or when it lies in the future: brokers refuse timestamps more than an hour ahead
     * ({@code log.message.timestamp.after.max.ms}) and would fail the whole batch, while the pipeline
     * dead-letters such a line with its reason.
     */
    static Long eventTime(String line) {
        try {
            JsonNode node = MAPPER.readTree(line);
            JsonNode published = node == null ? null : node.get("published");
            if (published == null || !published.isTextual()) {
                return null;
            }
            long millis = Published.parse(published.textValue()).toEpochMilli();
            return millis > System.currentTimeMillis() ? null : millis;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
