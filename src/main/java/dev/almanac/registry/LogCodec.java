package dev.almanac.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.serde.CompatibilityLevel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON keys and values of the schema log, shaped like those of Confluent's {@code _schemas} topic:
 * key {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} with value
 * {@code {"subject":..,"version":..,"id":..,"schema":..,"deleted":false}}, and key
 * {@code {"keytype":"CONFIG","subject":..,"magic":0}} with value {@code {"compatibilityLevel":..}}.
 * Keys are written with a fixed field order because compaction compares key bytes.
 */
final class LogCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogCodec() {
    }

    static byte[] key(LogEntry entry) {
        ObjectNode key = JSON.createObjectNode();
        if (entry instanceof LogEntry.SchemaVersion v) {
            key.put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version()).put("magic", 1);
        } else {
            LogEntry.Config c = (LogEntry.Config) entry;
            key.put("keytype", "CONFIG");
            if (c.subject() == null) {
                key.putNull("subject");
            } else {
                key.put("subject", c.subject());
            }
            key.put("magic", 0);
        }
        return bytes(key);
    }

    static byte[] value(LogEntry entry) {
        if (entry instanceof LogEntry.SchemaVersion v) {
            return v.schema() == null ? null : bytes(JSON.createObjectNode()
                    .put("subject", v.subject()).put("version", v.version()).put("id", v.id())
                    .put("schema", v.schema()).put("deleted", false));
        }
        LogEntry.Config c = (LogEntry.Config) entry;
        return c.level() == null ? null : bytes(JSON.createObjectNode().put("compatibilityLevel", c.level().name()));
    }

    /**
     * Decodes a log record.
     *
     * @return null for keys this version does not know (written by a newer Almanac): they are skipped
     * @throws IllegalArgumentException for a malformed record
     */
    static LogEntry decode(byte[] key, byte[] value) {
        JsonNode k = tree(key);
        String type = k.path("keytype").asText();
        String subject = k.hasNonNull("subject") ? k.get("subject").asText() : null;
        switch (type) {
            case "SCHEMA" -> {
                int version = k.path("version").asInt(-1);
                if (subject == null || version < 1) {
                    throw new IllegalArgumentException("SCHEMA key without subject or version: " + new String(key, StandardCharsets.UTF_8));
                }
                if (value == null) {
                    return new LogEntry.SchemaVersion(subject, version, 0, null);
                }
                JsonNode v = tree(value);
                if (v.path("deleted").asBoolean(false)) {
                    return new LogEntry.SchemaVersion(subject, version, v.path("id").asInt(), null);
                }
                if (!v.hasNonNull("schema") || !v.has("id")) {
                    throw new IllegalArgumentException("SCHEMA value without id or schema for " + subject + " v" + version);
                }
                return new LogEntry.SchemaVersion(subject, version, v.get("id").asInt(), v.get("schema").asText());
            }
            case "CONFIG" -> {
                if (value == null) {
                    return new LogEntry.Config(subject, null);
                }
                return new LogEntry.Config(subject, CompatibilityLevel.parse(tree(value).path("compatibilityLevel").asText()));
            }
            default -> {
                return null;
            }
        }
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
