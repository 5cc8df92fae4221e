package dev.almanac.derived.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.ModelRegistration;
import dev.almanac.serde.RegistryRetry;
import dev.almanac.serde.RegistryUnavailableException;
import dev.almanac.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** What a Confluent-framed registration becomes when the schema registry cannot resolve its id. */
class ValidateRegistrationProcessorTest {

    private static final byte[] FRAMED = {0, 0, 0, 0, 42, 2, 'x'};

    private final List<Duration> slept = new ArrayList<>();
    private final RegistryRetry noWait = new RegistryRetry(RegistryRetry.PAUSES, slept::add);

    @Test
    void shouldRetryInsteadOfDeadLetteringWhenTheRegistryIsUnreachable() {
        MockProcessorContext<Object, ValidatedRegistration> context = new MockProcessorContext<>();
        ValidateRegistrationProcessor processor = processor(context,
                new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR, "schema registry unreachable: connection refused"),
                Integer.MAX_VALUE);

        assertThrows(RegistryUnavailableException.class, () -> processor.process(new Record<>(null, FRAMED, 0L)));
        assertTrue(context.forwarded().isEmpty(), "nothing forwarded, not even a dead letter");
        assertEquals(RegistryRetry.PAUSES, slept, "retried in place first, then left to the thread's replacement");
    }

    @Test
    void shouldAcceptInPlaceWhenTheRegistryAnswersWithinTheBackoff() {
        MockProcessorContext<Object, ValidatedRegistration> context = new MockProcessorContext<>();
        ValidateRegistrationProcessor processor = processor(context,
                new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR, "schema registry unreachable: connection refused"), 2);

        processor.process(new Record<>(null, FRAMED, 0L));
        assertEquals(1, context.forwarded().size());
        assertTrue(context.forwarded().get(0).record().value().isValid(), "accepted, not dead-lettered");
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1)), slept);
    }

    @Test
    void shouldDeadLetterAsUndecodableWhenTheRegistryDoesNotKnowTheId() {
        MockProcessorContext<Object, ValidatedRegistration> context = new MockProcessorContext<>();
        ValidateRegistrationProcessor processor = processor(context,
                new SchemaRegistryException(404, 40403, "Schema 42 not found"), Integer.MAX_VALUE);

        processor.process(new Record<>(null, FRAMED, 0L));
        assertEquals(1, context.forwarded().size());
        assertEquals("UNDECODABLE", new String(context.forwarded().get(0).record().headers().lastHeader("almanac.reason").value(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of(), slept, "the record's own fault is not retried");
    }

    /** A processor whose decoder fails with {@code registryAnswer} {@code failures} times, then decodes a valid registration. */
    private ValidateRegistrationProcessor processor(MockProcessorContext<Object, ValidatedRegistration> context,
                                                    SchemaRegistryException registryAnswer, int failures) {
        KeyValueStore<String, Long> counts = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        counts.init(context.getStateStoreContext(), counts);
        context.addStateStore(counts);
        int[] calls = {0};
        Deserializer<ModelRegistration> failing = new Deserializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
            }

            @Override
            public ModelRegistration deserialize(String topic, byte[] data) {
                if (calls[0]++ < failures) {
                    throw new SerializationException("cannot resolve writer schema id 42: " + registryAnswer.getMessage(), registryAnswer);
                }
                return RegistrationJson.parse(("{\"id\":\"r1\",\"model_name\":\"M\",\"organization\":\"O\",\"region\":\"CN-BJ\","
                        + "\"registration_date\":\"2025-03-01\",\"published\":\"2025-03-02\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        ValidateRegistrationProcessor processor = new ValidateRegistrationProcessor(failing, "counts", noWait);
        processor.init(context);
        return processor;
    }
}
