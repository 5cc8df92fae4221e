package dev.almanac.serde;

import org.apache.avro.Schema;

/**
 * One version of a subject.
 *
 * @param subject the subject
 * @param version its version under the subject, from 1
 * @param id the global schema id (the one in the wire format)
 * @param schema the schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
