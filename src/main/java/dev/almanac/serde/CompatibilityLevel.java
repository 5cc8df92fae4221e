package dev.almanac.serde;

import java.util.Locale;

/**
 * The compatibility rules of the Confluent Schema Registry. BACKWARD: the new schema can read data
 * written with the previous one (consumers upgrade first). FORWARD: data written with the new schema
 * can be read with the previous one (producers upgrade first). FULL: both. The {@code _TRANSITIVE}
 * variants check against every earlier version instead of only the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The registry's default. */
    public static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must read data written with earlier ones. */
    public boolean backward() {
        return backward;
    }

    /** Whether earlier schemas must read data written with the new one. */
    public boolean forward() {
        return forward;
    }

    /** Whether every earlier version is checked, not only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /**
     * Parses a level name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CompatibilityLevel parse(String text) {
        if (text != null) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // fall through to the readable message
            }
        }
        throw new IllegalArgumentException("invalid compatibility level '" + text
                + "': expected one of NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE");
    }
}
