package dev.almanac.observation;

import dev.almanac.avro.IndicatorObservation;
import java.util.regex.Pattern;

/**
 * The rules every accepted observation satisfies, whatever format it arrived in. Returns the
 * observation in canonical form (trimmed codes, canonical period text).
 */
public final class ObservationValidator {

    private static final Pattern INDICATOR = Pattern.compile("^[a-z][a-z0-9_]{0,127}$");

    /** Clock skew tolerated between a producer and the pipeline. */
    static final java.time.Duration MAX_FUTURE = java.time.Duration.ofDays(1);

    private ObservationValidator() {
    }

    /** Whether the grammar's regex matches the indicator code. */
    static boolean matchesIndicatorPattern(String indicator) {
        return INDICATOR.matcher(indicator).matches();
    }

    /**
     * {@link #INDICATOR}, checked by hand: every valid observation is checked, and the regex matcher took
     * 1.5 % of the foundation's stream thread (async-profiler, 2026-12-04). CodeGrammarTest holds the two equal.
     */
    static boolean isIndicatorCode(String indicator) {
        int n = indicator.length();
        if (n < 1 || n > 128) {
            return false;
        }
        char first = indicator.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = indicator.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the canonical observation
     * @throws Rejection.Exception with the first rule broken
     */
    public static IndicatorObservation validate(IndicatorObservation o) {
        // Lengths first: every later message quotes the value, and a quoted megabyte is no message.
        FieldLimits.check("id", o.getId());
        FieldLimits.check("indicator", o.getIndicator());
        FieldLimits.check("region", o.getRegion());
        FieldLimits.check("period", o.getPeriod());
        FieldLimits.check("unit", o.getUnit());
        FieldLimits.check("source", o.getSource());
        FieldLimits.check("quote", o.getQuote());
        FieldLimits.check("note", o.getNote());
        FieldLimits.check("indicator_label", o.getIndicatorLabel());
        FieldLimits.check("value_text", o.getValueText());
        require(o.getId(), "id");
        String indicator = require(o.getIndicator(), "indicator").trim();
        if (!isIndicatorCode(indicator)) {
            throw Rejection.of(Rejection.Reason.BAD_INDICATOR, "indicator",
                    "indicator '" + indicator + "' is not a snake_case code (^[a-z][a-z0-9_]*$)");
        }
        String region = require(o.getRegion(), "region").trim();
        if (!Regions.isValid(region)) {
            throw Rejection.of(Rejection.Reason.BAD_REGION, "region",
                    "region '" + region + "' does not match ^[A-Z]{2}(-[A-Z0-9]{1,12})*$ and is not WORLD");
        }
        String periodText = require(o.getPeriod(), "period");
        Period period = Period.tryParse(periodText).orElseThrow(() -> Rejection.of(Rejection.Reason.BAD_PERIOD, "period",
                "period '" + periodText + "' is not in the period grammar (2025, 2025-Q3, 2025-H1, 2025-11, 2025-Q1..Q3, 2025-01..11, 2021..2025, asof:2025-12-31)"));
        String unit = require(o.getUnit(), "unit").trim();
        if (!Units.isKnown(unit)) {
            throw Rejection.of(Rejection.Reason.UNKNOWN_UNIT, "unit", "unit '" + unit + "' is not one of " + new java.util.TreeSet<>(Units.KNOWN));
        }
        double value = o.getValue();
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw Rejection.of(Rejection.Reason.NON_FINITE_VALUE, "value", "value " + value + " is not a finite number");
        }
        if (value < 0 && Units.NON_NEGATIVE.contains(unit)) {
            throw Rejection.of(Rejection.Reason.NEGATIVE_VALUE, "value", "value " + value + " is negative but unit " + unit + " cannot be");
        }
        if (o.getQualifier() == null) {
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, "qualifier", "field 'qualifier' is missing");
        }
        require(o.getSource(), "source");
        if (o.getPublished() == null) {
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, "published", "field 'published' is missing");
        }
        if (o.getPublished().isAfter(java.time.Instant.now().plus(MAX_FUTURE))) {
            throw Rejection.of(Rejection.Reason.BAD_PUBLISHED, "published",
                    "published " + o.getPublished() + " is in the future: a figure cannot be published before it exists");
        }
        if (indicator.equals(o.getIndicator()) && region.equals(o.getRegion()) && period.text().equals(periodText)
                && unit.equals(o.getUnit())) {
            return o; // already canonical, as nearly every record is: a builder would deep-copy every field
        }
        return IndicatorObservation.newBuilder(o)
                .setIndicator(indicator)
                .setRegion(region)
                .setPeriod(period.text())
                .setUnit(unit)
                .build();
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, field, "field '" + field + "' is missing");
        }
        return value;
    }
}
