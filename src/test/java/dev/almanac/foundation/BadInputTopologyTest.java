package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.Qualifier;
import dev.almanac.derived.DerivedDriver;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.kafka.DeadLetters;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Tombstones and over-long fields on the raw topics: rejected with a reason of their own, counted, kept whole. */
class BadInputTopologyTest {

    @Test
    void shouldRejectTombstoneWithNullValueReasonWhenRawObservationHasNoValue() {
        try (Foundation f = new Foundation()) {
            f.raw.pipeInput("k".getBytes(StandardCharsets.UTF_8), (byte[]) null);
            f.raw.pipeInput(null, new byte[0]);
            List<TestRecord<byte[], byte[]>> dead = f.rejected.readRecordsToList();
            assertEquals(2, dead.size());
            assertEquals("NULL_VALUE", header(dead.get(0), DeadLetters.H_REASON));
            assertNull(dead.get(0).value(), "the tombstone is dead-lettered as it came");
            assertEquals("UNDECODABLE", header(dead.get(1), DeadLetters.H_REASON));
            ValidationCounts counts = ValidationCounts.sum(f.driver.getKeyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE));
            assertEquals(Map.of("NULL_VALUE", 1L, "UNDECODABLE", 1L), counts.rejectedByReason());
            assertEquals(2, counts.read());
        }
    }

    @Test
    void shouldRejectOverLongFieldWithFieldTooLongAndAShortMessageWhenJsonOrAvroCarriesIt() {
        try (Foundation f = new Foundation()) {
            String huge = "x".repeat(100_000);
            f.raw.pipeInput(null, Fixtures.json("a1", "gdp", "CN-BJ", "2025", "1", "2025-01-01").replace("\"test\"", "\"" + huge + "\"")
                    .getBytes(StandardCharsets.UTF_8));
            f.raw.pipeInput(null, Fixtures.json("a2", "gdp", "CN-BJ", "2025", "1", "2025-01-01").replace("\"gdp\"", "\"" + huge + "\"")
                    .getBytes(StandardCharsets.UTF_8));
            IndicatorObservation o = observation("a3").setNote(huge).build();
            f.raw.pipeInput(null, f.topics.validObservations().valueSerde().serializer().serialize("x", o));
            List<TestRecord<byte[], byte[]>> dead = f.rejected.readRecordsToList();
            assertEquals(3, dead.size());
            assertEquals(List.of("source", "indicator", "note"), dead.stream().map(r -> header(r, DeadLetters.H_FIELD)).toList());
            for (TestRecord<byte[], byte[]> r : dead) {
                assertEquals("FIELD_TOO_LONG", header(r, DeadLetters.H_REASON));
                assertTrue(header(r, DeadLetters.H_MESSAGE).length() < 200, "the message names the limit, not the value");
            }
        }
    }

    @Test
    void shouldRejectFramedRecordAnnouncingAGigabyteStringWithoutAllocatingIt() {
        try (Foundation f = new Foundation()) {
            IndicatorObservation any = observation("a").build();
            f.topics.validObservations().valueSerde().serializer().serialize("x", any); // registers the schema
            int id = dev.almanac.serde.LocalSchemaRegistry.idOf(IndicatorObservation.getClassSchema());
            // magic byte, the real schema id, then a first string field whose zig-zag length prefix says 1,073,741,823 bytes
            byte[] bytes = java.nio.ByteBuffer.allocate(11).put((byte) 0).putInt(id)
                    .put(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x41}).array();
            f.raw.pipeInput(null, bytes);
            TestRecord<byte[], byte[]> dead = f.rejected.readRecord();
            assertEquals("UNDECODABLE", header(dead, DeadLetters.H_REASON));
            assertTrue(header(dead, DeadLetters.H_MESSAGE).contains("exceeds maximum allowed"),
                    "Avro's length limit refused it before allocating: " + header(dead, DeadLetters.H_MESSAGE));
        }
    }

    @Test
    void shouldRejectTombstoneAndOverLongFieldWhenRegistrationsCarryThem() {
        try (DerivedDriver d = new DerivedDriver()) {
            TableDefinition.Registrations def = d.definitions.registrations().orElseThrow();
            TestOutputTopic<byte[], byte[]> rejected = d.output(d.topics.rejectedRegistrations());
            d.rawRegistrations.pipeInput("k".getBytes(StandardCharsets.UTF_8), (byte[]) null);
            d.registrationJson("{\"id\":\"r1\",\"model_name\":\"" + "M".repeat(5_000) + "\",\"organization\":\"O\",\"region\":\"CN-BJ\","
                    + "\"registration_date\":\"2025-03-01\",\"published\":\"2025-03-02\"}");
            List<TestRecord<byte[], byte[]>> dead = rejected.readRecordsToList();
            assertEquals(List.of("NULL_VALUE", "FIELD_TOO_LONG"), dead.stream().map(r -> header(r, DeadLetters.H_REASON)).toList());
            ValidationCounts counts = ValidationCounts.sum(d.driver.getKeyValueStore(RegistrationTopology.validationCountsStore(def)));
            assertEquals(2, counts.rejected());
        }
    }

    /** The foundation under the test driver, fed raw bytes, its dead letters read as bytes. */
    private static final class Foundation implements AutoCloseable {
        final TopicCatalogue topics = Fixtures.catalogue();
        final TopologyTestDriver driver = FoundationTopologyTest.newDriver(topics);
        final TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(topics.rawObservations().name(),
                Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        final TestOutputTopic<byte[], byte[]> rejected = driver.createOutputTopic(topics.rejectedObservations().name(),
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());

        @Override
        public void close() {
            driver.close();
        }
    }

    /** A valid observation of gdp, CN-BJ, 2025, to change one field of. */
    private static IndicatorObservation.Builder observation(String id) {
        return IndicatorObservation.newBuilder().setId(id).setIndicator("gdp").setRegion("CN-BJ")
                .setPeriod("2025").setValue(1).setUnit("count").setQualifier(Qualifier.exact)
                .setPublished(Instant.parse("2025-01-01T00:00:00Z")).setSource("s");
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
