package dev.almanac.registry;

import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.RegisteredSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Compatibility rules applied with Avro's own {@link SchemaCompatibility}: BACKWARD checks that the new
 * schema can read what earlier ones wrote, FORWARD that earlier ones can read what the new one writes.
 * Each problem becomes one readable message naming the direction, the version and the field path.
 */
final class Compatibility {

    private Compatibility() {
    }

    /**
     * Why {@code candidate} may not follow {@code earlier} (oldest first) under {@code level}: empty when it may.
     * Non-transitive levels look at the latest version only.
     */
    public static List<String> problems(Schema candidate, List<RegisteredSchema> earlier, CompatibilityLevel level) {
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return List.of();
        }
        List<RegisteredSchema> checked = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
        List<String> problems = new ArrayList<>();
        for (RegisteredSchema previous : checked) {
            problems.addAll(problems(candidate, previous, level));
        }
        return problems;
    }

    /** Why {@code candidate} may not follow {@code previous} in the direction(s) {@code level} names. */
    public static List<String> problems(Schema candidate, RegisteredSchema previous, CompatibilityLevel level) {
        List<String> problems = new ArrayList<>();
        if (level.backward()) {
            describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous.schema()),
                    "the new schema cannot read data written with version " + previous.version() + " (id " + previous.id() + ")",
                    "new", "old", problems);
        }
        if (level.forward()) {
            describe(SchemaCompatibility.checkReaderWriterCompatibility(previous.schema(), candidate),
                    "version " + previous.version() + " (id " + previous.id() + ") cannot read data written with the new schema",
                    "old", "new", problems);
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String what, String reader, String writer,
                                 List<String> into) {
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility i : pair.getResult().getIncompatibilities()) {
            into.add(what + ": " + explain(i, reader, writer));
        }
    }

    private static String explain(Incompatibility i, String reader, String writer) {
        String at = "at path '" + i.getLocation() + "'";
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "the field '" + i.getMessage() + "' " + at + " in the " + reader
                    + " schema has no default value and is missing in the " + writer + " schema";
            case TYPE_MISMATCH -> "type mismatch " + at + ": " + i.getMessage();
            case NAME_MISMATCH -> "name mismatch " + at + ": " + i.getMessage();
            case MISSING_ENUM_SYMBOLS -> "the " + reader + " schema lacks enum symbols " + i.getMessage() + " " + at;
            case MISSING_UNION_BRANCH -> "the " + reader + " schema's union " + at + " lacks a branch: " + i.getMessage();
            case FIXED_SIZE_MISMATCH -> "fixed size mismatch " + at + ": " + i.getMessage();
            default -> i.getType() + " " + at + ": " + i.getMessage();
        };
    }
}
