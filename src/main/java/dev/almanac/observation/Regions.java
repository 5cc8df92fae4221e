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
        return code != null && (WORLD.equals(code) || matchesCode(code));
    }

    /** Whether the grammar's regex matches the code. */
    static boolean matchesCodePattern(String code) {
        return CODE.matcher(code).matches();
    }

    /**
     * {@link #CODE}, checked by hand: every valid observation is checked, and the regex matcher took 1.4 %
     * of the foundation's stream thread (async-profiler, 2026-12-04). CodeGrammarTest holds the two equal.
     */
    static boolean matchesCode(String code) {
        int n = code.length();
        if (n < 2 || !upper(code.charAt(0)) || !upper(code.charAt(1))) {
            return false;
        }
        int i = 2;
        while (i < n) {
            if (code.charAt(i) != '-') {
                return false;
            }
            int start = ++i;
            while (i < n && (upper(code.charAt(i)) || digit(code.charAt(i)))) {
                i++;
            }
            if (i == start || i - start > 12) {
                return false;
            }
        }
        return true;
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
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
