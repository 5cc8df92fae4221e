package dev.almanac.registry;

import dev.almanac.serde.CompatibilityLevel;

/**
 * One fact of the schema log. The log is a compacted topic: every key is written once with one meaning
 * (a subject version) or is a setting whose last value is the truth (a compatibility level), so
 * compaction never changes what the log says.
 */
sealed interface LogEntry {

    /**
     * Version {@code version} of {@code subject} is schema {@code id}, whose canonical text is {@code schema}.
     * A null schema text is a tombstone: the version was deleted.
     */
    record SchemaVersion(String subject, int version, int id, String schema) implements LogEntry {
    }

    /** The compatibility level of {@code subject}, or the global one when {@code subject} is null; a null level removes it. */
    record Config(String subject, CompatibilityLevel level) implements LogEntry {
    }
}
