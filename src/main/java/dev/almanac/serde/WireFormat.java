package dev.almanac.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the record.
 */
public final class WireFormat {

    /** The first byte of every framed record. */
    public static final byte MAGIC = 0;
    /** Magic byte plus schema id. */
    static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** Whether {@code bytes} start like a framed record. */
    static boolean looksFramed(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER_LENGTH && bytes[0] == MAGIC;
    }

    /**
     * The schema id in a framed record.
     *
     * @throws IllegalArgumentException when the bytes are not framed
     */
    static int schemaId(byte[] bytes) {
        if (!looksFramed(bytes)) {
            throw new IllegalArgumentException("not Confluent wire format: expected magic byte 0 and a 4-byte schema id");
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
