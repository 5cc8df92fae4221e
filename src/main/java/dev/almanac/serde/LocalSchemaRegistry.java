package dev.almanac.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * An in-process registry. Ids are derived from the schema's parsing-canonical-form fingerprint
 * (CRC-64-AVRO folded to 31 bits), so separate processes that know the same schemas agree on ids
 * without talking to each other: a record written by {@code almanac produce} in one JVM decodes in
 * {@code almanac run} in another.
 */
public final class LocalSchemaRegistry implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Schema>> subjects = new ConcurrentHashMap<>();

    @Override
    public int register(String subject, Schema schema) {
        int id = idOf(schema);
        Schema previous = byId.putIfAbsent(id, schema);
        if (previous != null && !SchemaNormalization.toParsingForm(previous).equals(SchemaNormalization.toParsingForm(schema))) {
            throw new IllegalStateException("schema id collision for " + schema.getFullName());
        }
        subjects.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(id, schema);
        return id;
    }

    @Override
    public Schema byId(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new UnknownSchemaException(id);
        }
        return schema;
    }

    /** The deterministic id this registry gives a schema: a positive 31-bit fold of its 64-bit fingerprint. */
    public static int idOf(Schema schema) {
        long fp = SchemaNormalization.parsingFingerprint64(schema);
        int folded = (int) (fp ^ (fp >>> 32)) & 0x7fffffff;
        return folded == 0 ? 1 : folded;
    }
}
