package dev.almanac.serde;

import java.util.List;

/**
 * The outcome of a compatibility check.
 *
 * @param compatible whether the schema may be registered
 * @param messages why not (empty when compatible)
 */
public record CompatibilityCheck(boolean compatible, List<String> messages) {

    public CompatibilityCheck {
        messages = List.copyOf(messages);
    }

    /** A passing check. */
    public static CompatibilityCheck ok() {
        return new CompatibilityCheck(true, List.of());
    }
}
