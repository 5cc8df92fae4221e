package dev.almanac.kafka;

import dev.almanac.observation.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The headers of a dead-letter record: the original headers, plus why the record was rejected and
 * where it came from. Every dead-letter topic uses these names.
 */
public final class DeadLetters {

    public static final String H_REASON = "almanac.reason";
    public static final String H_FIELD = "almanac.field";
    public static final String H_MESSAGE = "almanac.message";
    public static final String H_TOPIC = "almanac.origin.topic";
    public static final String H_PARTITION = "almanac.origin.partition";
    public static final String H_OFFSET = "almanac.origin.offset";

    private DeadLetters() {
    }

    /** The original headers with the rejection and the record's origin added. */
    public static Headers headers(Headers original, Rejection rejection, Optional<RecordMetadata> origin) {
        Headers headers = new RecordHeaders(original.toArray());
        headers.add(H_REASON, utf8(rejection.reason().name()));
        if (rejection.field() != null) {
            headers.add(H_FIELD, utf8(rejection.field()));
        }
        headers.add(H_MESSAGE, utf8(abbreviate(rejection.message())));
        origin.ifPresent(m -> {
            headers.add(H_TOPIC, utf8(m.topic()));
            headers.add(H_PARTITION, utf8(Integer.toString(m.partition())));
            headers.add(H_OFFSET, utf8(Long.toString(m.offset())));
        });
        return headers;
    }

    /** Adds where a record came from, for dead letters written outside a processor (no record metadata there). */
    public static void origin(Headers headers, String topic, int partition, long offset) {
        headers.add(H_TOPIC, utf8(topic));
        headers.add(H_PARTITION, utf8(Integer.toString(partition)));
        headers.add(H_OFFSET, utf8(Long.toString(offset)));
    }

    /** The most characters of a message kept in a header: the record itself is kept whole, its bytes say the rest. */
    static final int MAX_MESSAGE_CHARS = 1_000;

    private static String abbreviate(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
            return message == null ? "" : message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS) + "… (" + message.length() + " characters)";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
