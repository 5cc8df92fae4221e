package dev.almanac.serde;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The Confluent Schema Registry operations Almanac serves and uses: what the REST API subset offers,
 * as Java calls. Implemented over HTTP ({@link HttpSchemaRegistryClient}) and in process by the
 * embedded registry. Failures are {@link SchemaRegistryException}s carrying the registry's error codes.
 */
public interface SchemaRegistry extends SchemaRegistryClient {

    /** The version selector meaning "the newest version". */
    String LATEST = "latest";

    /** Subjects with at least one version, sorted. */
    List<String> subjects();

    /** The versions of {@code subject}, ascending; 40401 when it has none. */
    List<Integer> versions(String subject);

    /** One version of a subject: a positive number or {@link #LATEST}; 40401, 40402, 42202. */
    RegisteredSchema version(String subject, String version);

    /** The version of {@code subject} holding exactly {@code schema}; 40401 or 40403 when none does. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** Where schema {@code id} is registered; 40403 for an unknown id. */
    List<RegisteredSchema> usagesOf(int id);

    /**
     * Whether {@code schema} could be registered under {@code subject}: against one version (a number
     * or {@link #LATEST}) in the direction(s) of the subject's level, or, with {@code version} null,
     * against the versions the level names (latest, or all for transitive levels).
     */
    CompatibilityCheck checkCompatibility(String subject, String version, Schema schema);

    /** The global compatibility level. */
    CompatibilityLevel globalCompatibility();

    /** The subject's own level, if one is set. */
    Optional<CompatibilityLevel> subjectCompatibility(String subject);

    /** Sets the global level ({@code subject} null) or a subject's level. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** Removes a subject's own level so the global one applies; returns the removed level; 40408 when none was set. */
    CompatibilityLevel deleteSubjectCompatibility(String subject);

    /** The level that applies to {@code subject}. */
    default CompatibilityLevel effectiveCompatibility(String subject) {
        return subjectCompatibility(subject).orElseGet(this::globalCompatibility);
    }
}
