package dev.almanac.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.CompatibilityCheck;
import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.SchemaRegistryException;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Evolution in practice: IndicatorObservation version 2 adds an optional field. Producers and consumers
 * on either version interoperate through the serdes; a required field without a default is refused.
 */
class SchemaEvolutionTest {

    private static final String TOPIC = "almanac.latest";
    private static final String SUBJECT = TOPIC + "-value";

    private final StoredSchemaRegistry registry = new StoredSchemaRegistry(new InMemorySchemaStore());
    private final AvroSerdes serdes = new AvroSerdes(registry);
    private final Schema v2 = TestSchemas.observationV2();

    @Test
    void shouldReadOldRecordsWithDefaultWhenConsumerHasNewSchema() {
        byte[] oldBytes = serdes.specific(IndicatorObservation.class, false).serializer().serialize(TOPIC, TestSchemas.beijingModels());

        GenericRecord read = serdes.generic(v2, false).deserializer().deserialize(TOPIC, oldBytes);

        assertEquals(v2, read.getSchema());
        assertEquals(209.0, read.get("value"));
        assertEquals("CN-BJ", read.get("region").toString());
        assertNull(read.get("seasonally_adjusted"), "the added field takes its default");
    }

    @Test
    void shouldReadNewRecordsIgnoringAddedFieldWhenConsumerHasOldSchema() {
        registry.register(SUBJECT, IndicatorObservation.getClassSchema());
        GenericRecord newRecord = asV2(TestSchemas.beijingModels(), true);
        byte[] newBytes = serdes.generic(false).serializer().serialize(TOPIC, newRecord);

        IndicatorObservation read = serdes.specific(IndicatorObservation.class, false).deserializer().deserialize(TOPIC, newBytes);

        assertEquals(TestSchemas.beijingModels(), read);
        assertEquals(List.of(1, 2), registry.versions(SUBJECT), "version 2 was registered under BACKWARD");
    }

    @Test
    void shouldRegisterAddedOptionalFieldWhenLevelIsFull() {
        registry.setCompatibility(SUBJECT, CompatibilityLevel.FULL);
        int v1 = registry.register(SUBJECT, IndicatorObservation.getClassSchema());
        int v2id = registry.register(SUBJECT, v2);

        assertTrue(v1 != v2id);
        assertEquals(v2id, registry.version(SUBJECT, "latest").id());
    }

    @Test
    void shouldRefuseWith409WhenAddedFieldHasNoDefault() {
        registry.register(SUBJECT, IndicatorObservation.getClassSchema());

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> registry.register(SUBJECT, TestSchemas.observationIncompatible()));

        assertEquals(409, e.status());
        assertEquals(409, e.errorCode());
        assertTrue(e.getMessage().contains("'adjustment_method'") && e.getMessage().contains("no default value"), e.getMessage());
        assertEquals(List.of(1), registry.versions(SUBJECT), "nothing was registered");
        CompatibilityCheck check = registry.checkCompatibility(SUBJECT, "latest", TestSchemas.observationIncompatible());
        assertFalse(check.compatible());
    }

    @Test
    void shouldRefuseNewRecordsAtSerializationWhenSchemaIsIncompatible() {
        registry.register(SUBJECT, IndicatorObservation.getClassSchema());
        GenericRecord bad = new GenericData.Record(TestSchemas.observationIncompatible());
        Serde<GenericRecord> serde = serdes.generic(false);

        var e = assertThrows(org.apache.kafka.common.errors.SerializationException.class, () -> serde.serializer().serialize(TOPIC, bad));
        assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
    }

    @Test
    void shouldAcceptVersion2ObservationsWhenFoundationReadsRawTopic() {
        TopicCatalogue topics = TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX, serdes);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "evolution-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(FoundationTopology.build(topics), props)) {
            TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(topics.rawObservations().name(),
                    topics.rawObservations().keySerde().serializer(), topics.rawObservations().valueSerde().serializer());
            TestOutputTopic<ObservationKey, IndicatorObservation> latest = driver.createOutputTopic(topics.latest().name(),
                    topics.latest().keySerde().deserializer(), topics.latest().valueSerde().deserializer());
            byte[] v2Bytes = serdes.generic(false).serializer().serialize(topics.rawObservations().name(), asV2(TestSchemas.beijingModels(), false));

            raw.pipeInput(new TestRecord<>(null, v2Bytes));

            List<IndicatorObservation> out = latest.readValuesToList();
            assertEquals(List.of(TestSchemas.beijingModels()), out);
        }
    }

    /** The observation as a version-2 generic record. */
    static GenericRecord asV2(IndicatorObservation o, Boolean seasonallyAdjusted) {
        Schema v2 = TestSchemas.observationV2();
        GenericRecord r = new GenericData.Record(v2);
        for (Schema.Field f : IndicatorObservation.getClassSchema().getFields()) {
            Object value = o.get(f.pos());
            if (value instanceof java.time.Instant i) {
                value = i.toEpochMilli();
            } else if (value instanceof Enum<?> e) {
                value = new GenericData.EnumSymbol(v2.getField(f.name()).schema(), e.name());
            }
            r.put(f.name(), value);
        }
        r.put("seasonally_adjusted", seasonallyAdjusted);
        return r;
    }
}
