package dev.almanac.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.almanac.serde.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/** Which stream-thread failures are retried and which stop the application. */
class PipelineUncaughtTest {

    @Test
    void shouldReplaceTheThreadWhenARegionsRecordMeetsAnUnreachableRegistry() {
        // What Kafka Streams hands over when the deserialization handler fails a record (DeadLetterDeserialization).
        Throwable failed = new StreamsException("Deserialization exception handler is set to fail upon a deserialization error",
                new SerializationException("cannot resolve writer schema id 7", new SchemaRegistryException(503, 50001, "unreachable")));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, Pipeline.onUncaught(failed));
    }

    @Test
    void shouldStopTheApplicationWhenTheFailureIsNotTheRegistrysAvailability() {
        Throwable failed = new StreamsException(new SerializationException("x", new SchemaRegistryException(404, 40403, "unknown id")));
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, Pipeline.onUncaught(failed));
    }
}
