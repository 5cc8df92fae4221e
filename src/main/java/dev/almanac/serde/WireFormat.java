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
     * The same bytes when they are a framed record of schema {@code schemaId}, else null. A record read from
     * one topic can then be written to another as it is, without encoding it again, when both topics'
     * subjects give its schema the same id (a registry gives one schema one id, whatever the subject).
     */
    public static byte[] framedWith(byte[] bytes, int schemaId) {
        return looksFramed(bytes) && schemaId(bytes) == schemaId ? bytes : null;
    }

    /** The schema id of a framed record, or -1 when the bytes are not framed. */
    public static int schemaIdOrNone(byte[] bytes) {
        return looksFramed(bytes) ? schemaId(bytes) : -1;
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
