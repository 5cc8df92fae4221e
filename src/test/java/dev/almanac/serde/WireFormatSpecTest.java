package dev.almanac.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Checks the bytes Almanac writes against the Confluent wire format as its documentation describes it
 * (byte 0: magic 0; bytes 1-4: schema id, big-endian; then the Avro binary encoding), with the Avro
 * binary encoding written out by hand from the Avro specification: zig-zag varints for int/long,
 * length-prefixed UTF-8 for strings, 8-byte little-endian IEEE 754 for double, the symbol index for an
 * enum, the branch index before a union's value.
 */
class WireFormatSpecTest {

    private final LocalSchemaRegistry registry = new LocalSchemaRegistry();
    private final AvroSerdes serdes = new AvroSerdes(registry);

    @Test
    void shouldWriteMagicIdAndAvroBinaryWhenSerializingAnObservation() {
        IndicatorObservation o = IndicatorObservation.newBuilder()
                .setId("obs-1").setIndicator("gdp").setRegion("CN-BJ").setPeriod("2025-Q1..Q3")
                .setValue(3.7e12).setUnit("CNY").setQualifier(Qualifier.approx)
                .setPublished(Instant.ofEpochMilli(1_761_000_000_000L)).setSource("北京统计局")
                .setQuote(null).setNote("n").setIndicatorLabel(null).setValueText("3.7万亿").build();

        byte[] written = serdes.specific(IndicatorObservation.class, false).serializer().serialize("almanac.latest", o);

        int id = SchemaIds.idOf(IndicatorObservation.getClassSchema());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(0);
        expected.write(id >>> 24);
        expected.write(id >>> 16);
        expected.write(id >>> 8);
        expected.write(id);
        string(expected, "obs-1");
        string(expected, "gdp");
        string(expected, "CN-BJ");
        string(expected, "2025-Q1..Q3");
        doubleLe(expected, 3.7e12);
        string(expected, "CNY");
        varint(expected, 1); // enum Qualifier: index of "approx"
        varint(expected, 1_761_000_000_000L); // timestamp-millis is a long
        string(expected, "北京统计局");
        varint(expected, 0); // quote: union branch 0 = null
        varint(expected, 1); // note: union branch 1 = string
        string(expected, "n");
        varint(expected, 0); // indicator_label: null
        varint(expected, 1); // value_text: string
        string(expected, "3.7万亿");

        assertArrayEquals(expected.toByteArray(), written);
        assertEquals(IndicatorObservation.getClassSchema(), registry.byId(id), "the id in the header resolves to the writer's schema");
    }

    @Test
    void shouldDecodeHandWrittenBytesWhenTheyFollowTheSpec() {
        int id = registry.register("almanac.latest-key", ObservationKey.getClassSchema());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(id).array());
        string(bytes, "registered_llm_count");
        string(bytes, "CN-BJ");
        string(bytes, "asof:2025-12-31");

        ObservationKey key = serdes.specific(ObservationKey.class, true).deserializer().deserialize("almanac.latest", bytes.toByteArray());

        assertEquals(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-12-31"), key);
    }

    @Test
    void shouldEncodeZigZagVarintsWhenValuesAreNegativeOrLarge() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, -1);
        varint(out, 64);
        // Avro spec examples: -1 → 01, 64 → 80 01
        assertArrayEquals(new byte[] {0x01, (byte) 0x80, 0x01}, out.toByteArray());
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        varint(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static void varint(ByteArrayOutputStream out, long n) {
        long zigzag = (n << 1) ^ (n >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
    }

    private static void doubleLe(ByteArrayOutputStream out, double d) {
        long bits = Double.doubleToLongBits(d);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)));
        }
    }
}
