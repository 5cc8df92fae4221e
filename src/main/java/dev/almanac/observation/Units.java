package dev.almanac.observation;

import java.util.Set;

/** The closed set of unit codes an observation may carry, and which of them are additive. */
public final class Units {

    /** Every accepted unit code. */
    public static final Set<String> KNOWN = Set.of(
            "CNY", "USD", "EUR", "count", "percent", "percentage_point", "rank", "ratio",
            "PFLOPS", "EFLOPS", "seconds", "minutes", "hours", "days", "months", "years",
            "sqm", "km", "kwh", "tonnes");

    /** Units whose values add up across regions and periods (money, counts): the ones shares and de-cumulation apply to. */
    public static final Set<String> ADDITIVE = Set.of("CNY", "USD", "EUR", "count", "kwh", "tonnes", "sqm");

    /** Units for which a negative value is impossible. */
    static final Set<String> NON_NEGATIVE = Set.of("count", "rank", "PFLOPS", "EFLOPS",
            "seconds", "minutes", "hours", "days", "months", "years", "sqm", "km");

    private Units() {
    }

    public static boolean isKnown(String unit) {
        return unit != null && KNOWN.contains(unit);
    }
}
