package dev.almanac.observation;

import java.util.Map;

/**
 * The longest text each field of an observation or a registration may hold, in characters. A longer
 * one is rejected ({@link Rejection.Reason#FIELD_TOO_LONG}) before any other rule looks at it, so a
 * runaway producer cannot fill the tables, the query results or the dead-letter headers with megabytes
 * of text. The limits are generous: the bundled data's longest note is 240 characters.
 */
public final class FieldLimits {

    /** Field name → most characters. Fields not listed have no limit of their own (the record size bounds them). */
    static final Map<String, Integer> MAX_CHARS = Map.ofEntries(
            Map.entry("id", 128),
            Map.entry("indicator", 128),
            Map.entry("region", 64),
            Map.entry("period", 64),
            Map.entry("unit", 32),
            Map.entry("value_text", 256),
            Map.entry("indicator_label", 256),
            Map.entry("source", 2_048),
            Map.entry("quote", 8_192),
            Map.entry("note", 8_192),
            Map.entry("model_name", 512),
            Map.entry("organization", 512));

    private FieldLimits() {
    }

    /**
     * @return {@code value}
     * @throws Rejection.Exception when {@code value} is longer than the limit of {@code field}
     */
    public static String check(String field, String value) {
        Integer max = MAX_CHARS.get(field);
        if (value != null && max != null && value.length() > max) {
            throw Rejection.of(Rejection.Reason.FIELD_TOO_LONG, field,
                    "field '" + field + "' has " + value.length() + " characters; at most " + max + " are allowed");
        }
        return value;
    }
}
