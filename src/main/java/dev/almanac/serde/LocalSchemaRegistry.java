package dev.almanac.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * An in-process registry without storage or compatibility checks. Ids are {@link SchemaIds#idOf
 * deterministic}, so separate processes that know the same schemas agree on ids without talking to
 * each other (a record written by {@code almanac produce} in one JVM decodes in {@code almanac run}
 * in another), and they are the ids the embedded registry prefers, so records written through this
 * class decode against the embedded registry too.
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

    /** The deterministic id this registry gives a schema, see {@link SchemaIds#idOf}. */
    public static int idOf(Schema schema) {
        return SchemaIds.idOf(schema);
    }
}
