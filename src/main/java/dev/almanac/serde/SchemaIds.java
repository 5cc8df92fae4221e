package dev.almanac.serde;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Deterministic schema ids: a positive 31-bit fold of the CRC-64-AVRO fingerprint of the schema's
 * parsing canonical form. Processes that know the same schema compute the same id without talking to
 * each other. The parsing form identifies a writer's schema exactly (it keeps everything that shapes
 * the bytes); schemas that differ only in docs or defaults share a preferred id, and a registry tells
 * them apart by their {@link #canonical full text} and gives the later one the next free id.
 */
public final class SchemaIds {

    private SchemaIds() {
    }

    /** The canonical text two schemas must share to be "the same schema" in a registry. */
    public static String canonical(Schema schema) {
        return schema.toString();
    }

    /** The preferred id of {@code schema}; a registry moves to the next free id on a (rare) collision. */
    public static int idOf(Schema schema) {
        long fp = SchemaNormalization.parsingFingerprint64(schema);
        int folded = (int) (fp ^ (fp >>> 32)) & 0x7fffffff;
        return folded == 0 ? 1 : folded;
    }

    /** The id after {@code id} when probing past a collision, staying positive. */
    public static int next(int id) {
        return id == Integer.MAX_VALUE ? 1 : id + 1;
    }
}
