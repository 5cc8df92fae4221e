package dev.almanac.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.registry.InMemorySchemaStore;
import dev.almanac.registry.StoredSchemaRegistry;
import dev.almanac.registry.TestSchemas;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

    private final StoredSchemaRegistry registry = new StoredSchemaRegistry(new InMemorySchemaStore());

    @Test
    void shouldRoundTripGenericRecordWhenNoReaderSchemaIsGiven() {
        Schema schema = TestSchemas.record("Point", "[{\"name\":\"x\",\"type\":\"int\"},{\"name\":\"label\",\"type\":[\"null\",\"string\"],\"default\":null}]");
        GenericRecord point = new GenericData.Record(schema);
        point.put("x", 7);
        point.put("label", "seven");
        Serde<GenericRecord> serde = new AvroSerdes(registry).generic(false);

        GenericRecord back = serde.deserializer().deserialize("points", serde.serializer().serialize("points", point));

        assertEquals(7, back.get("x"));
        assertEquals("seven", back.get("label").toString());
        assertEquals(schema, back.getSchema());
        assertEquals(List.of("points-value"), registry.subjects());
    }

    @Test
    void shouldNameSubjectsByTopicWhenStrategyIsDefault() {
        AvroSerdes serdes = new AvroSerdes(registry);
        serdes.specific(ObservationKey.class, true).serializer().serialize("almanac.latest", new ObservationKey("gdp", "CN", "2025"));
        serdes.specific(IndicatorObservation.class, false).serializer().serialize("almanac.latest", TestSchemas.beijingModels());

        assertEquals(List.of("almanac.latest-key", "almanac.latest-value"), registry.subjects());
    }

    @Test
    void shouldNameSubjectsByRecordWhenStrategyIsRecordName() {
        AvroSerdes serdes = new AvroSerdes(registry, SubjectNameStrategy.parse("record"));
        serdes.specific(IndicatorObservation.class, false).serializer().serialize("almanac.latest", TestSchemas.beijingModels());
        serdes.specific(IndicatorObservation.class, false).serializer().serialize("almanac.current", TestSchemas.beijingModels());

        assertEquals(List.of("dev.almanac.avro.IndicatorObservation"), registry.subjects());
    }

    @Test
    void shouldNameSubjectsByTopicAndRecordWhenStrategyIsTopicRecordName() {
        AvroSerdes serdes = new AvroSerdes(registry, SubjectNameStrategy.parse("TopicRecordNameStrategy"));
        serdes.specific(IndicatorObservation.class, false).serializer().serialize("mixed", TestSchemas.beijingModels());

        assertEquals(List.of("mixed-dev.almanac.avro.IndicatorObservation"), registry.subjects());
    }

    @Test
    void shouldRejectUnknownStrategyWhenParsing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SubjectNameStrategy.parse("by-colour"));
        assertTrue(e.getMessage().contains("topic, record or topic-record"), e.getMessage());
    }

    @Test
    void shouldRegisterOnceAndFetchOnceWhenManyRecordsPass() {
        CountingRegistry counting = new CountingRegistry(registry);
        Serde<IndicatorObservation> serde = new AvroSerdes(counting).specific(IndicatorObservation.class, false);
        Serde<IndicatorObservation> reader = new AvroSerdes(counting).specific(IndicatorObservation.class, false);

        for (int i = 0; i < 50; i++) {
            byte[] bytes = serde.serializer().serialize("almanac.latest", TestSchemas.beijingModels());
            assertEquals(TestSchemas.beijingModels(), reader.deserializer().deserialize("almanac.latest", bytes));
        }

        assertEquals(1, counting.registers.get());
        assertEquals(1, counting.lookups.get());
    }

    @Test
    void shouldRefuseBytesWhenMagicByteIsNotZero() {
        Serde<GenericRecord> serde = new AvroSerdes(registry).generic(false);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}));
        assertTrue(e.getMessage().contains("magic byte 0"), e.getMessage());
    }

    @Test
    void shouldNameTheIdWhenWriterSchemaIsUnknown() {
        Serde<GenericRecord> serde = new AvroSerdes(registry).generic(false);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", new byte[] {0, 0, 0, 0, 42, 2}));
        assertTrue(e.getMessage().contains("42"), e.getMessage());
    }

    @Test
    void shouldPassNullThroughWhenValueIsATombstone() {
        Serde<IndicatorObservation> serde = new AvroSerdes(registry).specific(IndicatorObservation.class, false);
        assertNull(serde.serializer().serialize("t", null));
        assertNull(serde.deserializer().deserialize("t", null));
    }

    /** Counts calls that would be registry round trips. */
    static final class CountingRegistry implements SchemaRegistryClient {
        final AtomicInteger registers = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();
        private final SchemaRegistryClient delegate;

        CountingRegistry(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            registers.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public Schema byId(int id) {
            lookups.incrementAndGet();
            return delegate.byId(id);
        }
    }
}
