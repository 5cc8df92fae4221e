package dev.almanac.derived.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.ModelRegistration;
import dev.almanac.serde.RegistryUnavailableException;
import dev.almanac.serde.SchemaRegistryException;
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

    @Test
    void shouldRetryInsteadOfDeadLetteringWhenTheRegistryIsUnreachable() {
        MockProcessorContext<Object, ValidatedRegistration> context = new MockProcessorContext<>();
        ValidateRegistrationProcessor processor = processor(context,
                new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR, "schema registry unreachable: connection refused"));

        assertThrows(RegistryUnavailableException.class, () -> processor.process(new Record<>(null, FRAMED, 0L)));
        assertTrue(context.forwarded().isEmpty(), "nothing forwarded, not even a dead letter");
    }

    @Test
    void shouldDeadLetterAsUndecodableWhenTheRegistryDoesNotKnowTheId() {
        MockProcessorContext<Object, ValidatedRegistration> context = new MockProcessorContext<>();
        ValidateRegistrationProcessor processor = processor(context,
                new SchemaRegistryException(404, 40403, "Schema 42 not found"));

        processor.process(new Record<>(null, FRAMED, 0L));
        assertEquals(1, context.forwarded().size());
        assertEquals("UNDECODABLE", new String(context.forwarded().get(0).record().headers().lastHeader("almanac.reason").value(),
                java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ValidateRegistrationProcessor processor(MockProcessorContext<Object, ValidatedRegistration> context,
                                                           SchemaRegistryException registryAnswer) {
        KeyValueStore<String, Long> counts = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        counts.init(context.getStateStoreContext(), counts);
        context.addStateStore(counts);
        Deserializer<ModelRegistration> failing = new Deserializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
            }

            @Override
            public ModelRegistration deserialize(String topic, byte[] data) {
                throw new SerializationException("cannot resolve writer schema id 42: " + registryAnswer.getMessage(), registryAnswer);
            }
        };
        ValidateRegistrationProcessor processor = new ValidateRegistrationProcessor(failing, "counts");
        processor.init(context);
        return processor;
    }
}
