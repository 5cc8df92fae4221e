package dev.almanac.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded malformed records for fuzz tests: random bytes, truncated and deeply nested JSON, wrong types,
 * invalid UTF-8, bogus Confluent frames (magic byte with an unknown, or the real, schema id before
 * garbage), empty values, tombstones (null values), keys of any shape and oversized strings, plus the
 * untouched valid lines they are made from, so that the accepted side is exercised too.
 */
public final class MalformedRecords {

    /** What a record is, for the figures a test prints. */
    public enum Kind {
        VALID, RANDOM_BYTES, TRUNCATED_JSON, DEEP_JSON, WRONG_TYPES, INVALID_UTF8, BOGUS_FRAME, FRAMED_GARBAGE,
        EMPTY_VALUE, TOMBSTONE, OVERSIZED_STRING, NOT_AN_OBJECT
    }

    /** One record to send; key and value may be null. */
    public record Sample(Kind kind, byte[] key, byte[] value) {
    }

    private MalformedRecords() {
    }

    /**
     * {@code count} samples made from {@code validLines} (JSON objects with string fields).
     *
     * @param realSchemaId the schema id a Confluent frame of this topic really carries: garbage after it
     *                     reaches the Avro decoder
     */
    public static List<Sample> generate(long seed, int count, List<String> validLines, int realSchemaId) {
        Random random = new Random(seed);
        Kind[] kinds = Kind.values();
        List<Sample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Kind kind = kinds[random.nextInt(kinds.length)];
            String base = validLines.get(random.nextInt(validLines.size()));
            out.add(new Sample(kind, key(random), value(kind, base, random, realSchemaId)));
        }
        return out;
    }

    private static byte[] value(Kind kind, String base, Random random, int realSchemaId) {
        return switch (kind) {
            case VALID -> utf8(base);
            case RANDOM_BYTES -> bytes(random, random.nextInt(400) + 1);
            case TRUNCATED_JSON -> utf8(base.substring(0, 1 + random.nextInt(base.length() - 2)));
            case DEEP_JSON -> deep(random);
            case WRONG_TYPES -> utf8(wrongTypes(base, random));
            case INVALID_UTF8 -> invalidUtf8(base, random);
            case BOGUS_FRAME -> frame(1_000_000 + random.nextInt(1_000_000), bytes(random, random.nextInt(200)));
            case FRAMED_GARBAGE -> frame(realSchemaId, garbageAvro(random));
            case EMPTY_VALUE -> new byte[0];
            case TOMBSTONE -> null;
            case OVERSIZED_STRING -> utf8(oversized(base, random));
            case NOT_AN_OBJECT -> utf8(List.of("[]", "42", "\"text\"", "null", "true", "[" + base + "]").get(random.nextInt(6)));
        };
    }

    private static byte[] key(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> bytes(random, random.nextInt(64) + 1);
            case 3 -> utf8("key-" + random.nextInt(1000));
            default -> bytes(random, 2048 + random.nextInt(4096));
        };
    }

    private static byte[] deep(Random random) {
        int depth = 200 + random.nextInt(5000);
        StringBuilder b = new StringBuilder();
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        b.append(open.repeat(depth));
        if (random.nextBoolean()) {
            b.append("1").append((open.equals("[") ? "]" : "}").repeat(depth));
        }
        return utf8(b.toString());
    }

    /** Replaces the value of one field with a value of another JSON type. */
    private static String wrongTypes(String base, Random random) {
        String[] fields = fieldsOf(base);
        if (fields.length == 0) {
            return "{\"value\":[1,2]}";
        }
        String field = fields[random.nextInt(fields.length)];
        String replacement = List.of("[1,2,3]", "{\"x\":1}", "true", "-1e309", "123456789012345678901234567890", "null", "\"\"")
                .get(random.nextInt(7));
        return base.replaceFirst("\"" + java.util.regex.Pattern.quote(field) + "\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)",
                java.util.regex.Matcher.quoteReplacement("\"" + field + "\":" + replacement));
    }

    private static String[] fieldsOf(String json) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([a-z_]+)\"\\s*:").matcher(json);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names.toArray(String[]::new);
    }

    private static byte[] invalidUtf8(String base, Random random) {
        byte[] b = utf8(base);
        int at = 2 + random.nextInt(Math.max(1, b.length - 4));
        byte[][] bad = {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x28, (byte) 0x8C, (byte) 0xBC},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
        byte[] ins = bad[random.nextInt(bad.length)];
        ByteBuffer out = ByteBuffer.allocate(b.length + ins.length);
        out.put(b, 0, at).put(ins).put(b, at, b.length - at);
        return out.array();
    }

    /** Avro binary that announces huge lengths and counts: what an allocation-happy decoder chokes on. */
    private static byte[] garbageAvro(Random random) {
        ByteBuffer b = ByteBuffer.allocate(64);
        switch (random.nextInt(4)) {
            case 0 -> { // a string length of about 2^31 (zig-zag varint)
                b.put(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
            }
            case 3 -> { // a string length of 2^30 - 1: within Avro's own limit, over any heap a test gives
                b.put(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x41});
            }
            case 1 -> { // a negative length
                b.put(new byte[] {0x01, 0x41, 0x41});
            }
            default -> b.put(bytes(random, 1 + random.nextInt(60)));
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static String oversized(String base, Random random) {
        String[] fields = fieldsOf(base);
        String field = fields.length == 0 ? "source" : fields[random.nextInt(fields.length)];
        String huge = "x".repeat(10_000 + random.nextInt(200_000));
        return base.replaceFirst("\"" + java.util.regex.Pattern.quote(field) + "\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)",
                java.util.regex.Matcher.quoteReplacement("\"" + field + "\":\"" + huge + "\""));
    }

    private static byte[] frame(int schemaId, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(schemaId).put(payload).array();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
