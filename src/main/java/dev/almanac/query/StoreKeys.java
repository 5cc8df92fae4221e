package dev.almanac.query;

import java.util.Arrays;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Byte prefixes of Avro-encoded store keys. A store key is the Confluent frame (magic byte, schema id)
 * followed by the Avro binary record, where every string is its zig-zag varint length then its UTF-8
 * bytes. The encoding of the leading fields is therefore a byte prefix of every key that starts with
 * the same field values, and of no other key (the length prefix rules out "gdp" matching "gdp_growth").
 * The prefix is computed with the store's own key serializer on a key whose trailing fields are empty
 * strings (each encoded as the single byte 0), which are then cut off; the serializer is called with
 * the store's changelog topic so that it registers under the same subject, and thus uses the same
 * schema id, as the store did.
 */
public final class StoreKeys {

    /** Passes prefix bytes through unchanged: the prefix is already serialized. */
    public static final Serializer<byte[]> RAW = (topic, data) -> data;

    private StoreKeys() {
    }

    /**
     * The key prefix for a key whose last {@code emptyTrailingFields} string fields are empty.
     *
     * @throws IllegalStateException when the serializer does not encode empty strings as expected
     */
    public static <K> byte[] prefix(Serializer<K> serializer, String topic, K keyWithEmptyTail, int emptyTrailingFields) {
        byte[] full = serializer.serialize(topic, keyWithEmptyTail);
        if (full.length < emptyTrailingFields) {
            throw new IllegalStateException("key encoding too short for a prefix");
        }
        for (int i = full.length - emptyTrailingFields; i < full.length; i++) {
            if (full[i] != 0) {
                throw new IllegalStateException("unexpected key encoding: trailing empty strings are not single zero bytes");
            }
        }
        return Arrays.copyOf(full, full.length - emptyTrailingFields);
    }
}
