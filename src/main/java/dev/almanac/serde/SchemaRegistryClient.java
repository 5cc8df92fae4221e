package dev.almanac.serde;

import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry the serdes need: register a schema under a
 * subject and get its id; resolve an id back to the writer's schema. Implementations cache.
 */
public interface SchemaRegistryClient {

    /** Registers (or finds) {@code schema} under {@code subject} and returns its global id. */
    int register(String subject, Schema schema);

    /**
     * The schema registered under {@code id}.
     *
     * @throws UnknownSchemaException when no schema has that id
     */
    Schema byId(int id);

    /** Raised when a schema id cannot be resolved (the registry's 40403). */
    final class UnknownSchemaException extends SchemaRegistryException {
        public UnknownSchemaException(int id) {
            super(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found: no schema is registered with id " + id + ".");
        }
    }
}
