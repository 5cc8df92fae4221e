package dev.almanac.observation;

import java.util.Optional;
import java.util.regex.Pattern;

/** Region-code grammar: {@code ^[A-Z]{2}(-[A-Z0-9]{1,12})*$} (CN, CN-BJ, CN-BJ-HD) or {@code WORLD}. */
public final class Regions {

    private static final Pattern CODE = Pattern.compile("^[A-Z]{2}(-[A-Z0-9]{1,12})*$");

    /** The root of the hierarchy. */
    static final String WORLD = "WORLD";

    private Regions() {
    }

    public static boolean isValid(String code) {
        return code != null && (WORLD.equals(code) || CODE.matcher(code).matches());
    }

    /** The parent implied by the code itself (CN-BJ-HD → CN-BJ, CN → WORLD); the region reference data may say otherwise. */
    public static Optional<String> impliedParent(String code) {
        if (WORLD.equals(code)) {
            return Optional.empty();
        }
        int dash = code.lastIndexOf('-');
        return Optional.of(dash < 0 ? WORLD : code.substring(0, dash));
    }
}
