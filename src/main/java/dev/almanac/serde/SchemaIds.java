package dev.almanac.serde;

import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Deterministic schema ids: a positive 31-bit fold of the CRC-64-AVRO fingerprint of the schema's full
 * JSON form. Processes that know the same schema compute the same id without talking to each other.
 * The full form (not Avro's parsing canonical form) is fingerprinted because the parsing form drops
 * defaults and logical types, which would give one id to schemas a registry must tell apart.
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
        long fp = SchemaNormalization.fingerprint64(canonical(schema).getBytes(StandardCharsets.UTF_8));
        int folded = (int) (fp ^ (fp >>> 32)) & 0x7fffffff;
        return folded == 0 ? 1 : folded;
    }

    /** The id after {@code id} when probing past a collision, staying positive. */
    public static int next(int id) {
        return id == Integer.MAX_VALUE ? 1 : id + 1;
    }
}
