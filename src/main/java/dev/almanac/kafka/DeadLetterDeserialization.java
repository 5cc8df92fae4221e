package dev.almanac.kafka;

import dev.almanac.observation.Rejection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * What a Kafka Streams application does with a record its source serde cannot read (today: a regions
 * record that is not the Avro {@code Region} it should be). The record goes to the application's
 * dead-letter topic with the same headers the validators write, and processing continues: one bad
 * record on a reference-data topic must not stop every derived table. A failure that is not the
 * record's fault (the schema registry unreachable, HTTP 5xx) fails instead, so the thread is replaced
 * and the record retried rather than dead-lettered.
 */
public final class DeadLetterDeserialization implements DeserializationExceptionHandler {

    /** The streams property naming the dead-letter topic. */
    public static final String TOPIC_CONFIG = "almanac.deserialization.dead.letter.topic";

    private String topic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object t = configs.get(TOPIC_CONFIG);
        if (t == null) {
            throw new IllegalArgumentException(TOPIC_CONFIG + " is not set");
        }
        this.topic = t.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (dev.almanac.serde.RegistryUnavailableException.causedBy(exception)) {
            return Response.fail(); // retried: the pipeline replaces the stream thread (Pipeline.onUncaught)
        }
        Rejection rejection = new Rejection(Rejection.Reason.UNDECODABLE, null,
                exception.getClass().getSimpleName() + ": " + exception.getMessage());
        var headers = DeadLetters.headers(record.headers(), rejection, Optional.empty());
        DeadLetters.origin(headers, record.topic(), record.partition(), record.offset());
        return Response.resume(List.of(new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value(), headers)));
    }
}
