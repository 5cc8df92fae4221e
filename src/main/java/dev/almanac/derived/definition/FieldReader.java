package dev.almanac.derived.definition;

import dev.almanac.derived.definition.TableDefinition.Tolerance;
import dev.almanac.derived.definition.Yaml.Entry;
import dev.almanac.derived.definition.Yaml.ListNode;
import dev.almanac.derived.definition.Yaml.MapNode;
import dev.almanac.derived.definition.Yaml.Node;
import dev.almanac.derived.definition.Yaml.Scalar;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Units;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values (codes, lists, numbers, durations, tolerances) from a definition's mappings. A
 * value that is missing gives the default; one that is wrong is reported with its line and also gives
 * the default, so that one pass finds every problem in the file.
 */
final class FieldReader {

    private static final Pattern INDICATOR = Pattern.compile("^[a-z][a-z0-9_]{0,127}$");
    private static final Pattern SHORT_DURATION = Pattern.compile("^(\\d+)\\s*([dhms])$");

    private final Problems problems;

    FieldReader(Problems problems) {
        this.problems = problems;
    }

    void allowOnly(MapNode map, Set<String> allowed, String where) {
        for (Entry e : map.entries().values()) {
            if (!allowed.contains(e.key())) {
                problems.add(e.line(), where + ": unknown key '" + e.key() + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    String scalar(Entry e, String where) {
        if (e.value() instanceof Scalar s && s.text() != null && !s.text().isBlank()) {
            return s.text().trim();
        }
        problems.add(e.line(), where + ": '" + e.key() + "' must be a single value");
        return null;
    }

    /** The value of {@code key} read by {@code read}, or {@code dflt} when the key is missing. */
    private static <T> T optional(MapNode t, String key, T dflt, java.util.function.Function<Entry, T> read) {
        Entry e = t.entries().get(key);
        return e == null ? dflt : read.apply(e);
    }

    private List<Scalar> list(Entry e, String where) {
        if (e.value() instanceof ListNode l) {
            List<Scalar> out = new ArrayList<>();
            for (Node n : l.items()) {
                if (n instanceof Scalar s && s.text() != null) {
                    out.add(s);
                } else {
                    problems.add(n.line(), where + ": '" + e.key() + "' items must be single values");
                }
            }
            return out;
        }
        problems.add(e.line(), where + ": '" + e.key() + "' must be a list, e.g. [gdp, unicorn_count]");
        return List.of();
    }

    Set<String> indicators(MapNode t, String where, boolean required) {
        Entry e = t.entries().get("indicators");
        if (e == null) {
            if (required) {
                problems.add(t.line(), where + ": missing 'indicators' (a list of indicator codes)");
            }
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        List<Scalar> items = list(e, where);
        if (items.isEmpty() && e.value() instanceof ListNode) {
            problems.add(e.line(), where + ": 'indicators' must name at least one indicator");
        }
        for (Scalar s : items) {
            String code = s.text().trim();
            if (!INDICATOR.matcher(code).matches()) {
                problems.add(s.line(), where + ": indicator '" + code + "' is not a snake_case code (^[a-z][a-z0-9_]*$)");
            } else if (!out.add(code)) {
                problems.add(s.line(), where + ": indicator '" + code + "' is listed twice");
            }
        }
        return out;
    }

    String indicator(MapNode t, String key, String where, String dflt) {
        return optional(t, key, dflt, e -> {
            String code = scalar(e, where);
            if (code != null && !INDICATOR.matcher(code).matches()) {
                problems.add(e.line(), where + ": " + key + " '" + code + "' is not a snake_case code (^[a-z][a-z0-9_]*$)");
            }
            return code;
        });
    }

    Set<Frequency> frequencies(MapNode t, String where) {
        Entry e = t.entries().get("frequencies");
        if (e == null) {
            return Set.of(Frequency.A, Frequency.Q, Frequency.H, Frequency.YTD);
        }
        Set<Frequency> out = new LinkedHashSet<>();
        for (Scalar s : list(e, where)) {
            String f = s.text().trim().toUpperCase(Locale.ROOT);
            try {
                Frequency freq = Frequency.valueOf(f);
                if (freq == Frequency.SPAN) {
                    throw new IllegalArgumentException();
                }
                out.add(freq);
            } catch (IllegalArgumentException ex) {
                problems.add(s.line(), where + ": frequency '" + s.text() + "' is not one of A, Q, H, M, YTD, STOCK");
            }
        }
        if (out.isEmpty() && e.value() instanceof ListNode) {
            problems.add(e.line(), where + ": 'frequencies' must name at least one frequency");
        }
        return out;
    }

    Set<String> units(MapNode t, String key, String where, Set<String> dflt) {
        return optional(t, key, dflt, e -> {
            Set<String> out = new LinkedHashSet<>();
            for (Scalar s : list(e, where)) {
                String u = s.text().trim();
                if (!Units.isKnown(u)) {
                    problems.add(s.line(), where + ": unit '" + u + "' is not one of " + String.join(", ", Units.KNOWN.stream().sorted().toList()));
                }
                out.add(u);
            }
            return out;
        });
    }

    boolean bool(MapNode t, String key, String where, boolean dflt) {
        return optional(t, key, dflt, e -> {
            String v = scalar(e, where);
            if ("true".equals(v) || "false".equals(v)) {
                return Boolean.parseBoolean(v);
            }
            if (v != null) {
                problems.add(e.line(), where + ": " + key + " must be true or false, not '" + v + "'");
            }
            return dflt;
        });
    }

    double number(MapNode t, String key, String where, double dflt, double minExclusive, double max, boolean integer) {
        return optional(t, key, dflt, e -> number(e, where, minExclusive, max, integer, dflt));
    }

    private double number(Entry e, String where, double min, double max, boolean integer, double dflt) {
        String v = scalar(e, where);
        if (v == null) {
            return dflt;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException ex) {
            problems.add(e.line(), where + ": " + e.key() + " must be a number, not '" + v + "'");
            return dflt;
        }
        boolean ok = integer ? d == Math.rint(d) && d >= min && d <= max : d > min && d <= max;
        if (!ok) {
            String range = integer ? "a whole number from " + (long) min + " to " + (long) max
                    : "a number greater than " + stripZero(min) + (max < Double.MAX_VALUE ? " and at most " + stripZero(max) : "");
            problems.add(e.line(), where + ": " + e.key() + " must be " + range + ", not " + v);
            return dflt;
        }
        return d;
    }

    private static String stripZero(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    Tolerance tolerance(MapNode t, String where) {
        Tolerance dflt = new Tolerance(0.005, 0.10, 0.25);
        Entry e = t.entries().get("tolerance");
        if (e == null) {
            return dflt;
        }
        if (!(e.value() instanceof MapNode m)) {
            problems.add(e.line(), where + ": tolerance must be a mapping with keys exact, approx, estimate");
            return dflt;
        }
        allowOnly(m, Set.of("exact", "approx", "estimate"), where + " tolerance");
        double exact = tol(m, "exact", where, dflt.exact());
        double approx = tol(m, "approx", where, dflt.approx());
        double estimate = tol(m, "estimate", where, dflt.estimate());
        return new Tolerance(exact, approx, estimate);
    }

    private double tol(MapNode m, String key, String where, double dflt) {
        return optional(m, key, dflt, e -> {
            String v = scalar(e, where);
            try {
                double d = Double.parseDouble(v == null ? "" : v);
                if (d >= 0 && d < 1) {
                    return d;
                }
            } catch (NumberFormatException ex) {
                // reported below
            }
            if (v != null) {
                problems.add(e.line(), where + ": tolerance." + key + " must be a fraction from 0 up to (not including) 1, e.g. 0.1 for 10 %, not '" + v + "'");
            }
            return dflt;
        });
    }

    Duration duration(MapNode t, String key, String where, Duration dflt, boolean zeroAllowed) {
        return optional(t, key, dflt, e -> {
            String v = scalar(e, where);
            if (v == null) {
                return dflt;
            }
            Duration d = parseDuration(v);
            if (d == null) {
                problems.add(e.line(), where + ": " + key + " '" + v + "' is not a duration such as 31d, 12h, 30m, 45s or P31D");
                return dflt;
            }
            if (d.isNegative() || (!zeroAllowed && d.isZero())) {
                problems.add(e.line(), where + ": " + key + " must be " + (zeroAllowed ? "zero or more" : "more than zero") + ", not " + v);
                return dflt;
            }
            return d;
        });
    }

    private static Duration parseDuration(String v) {
        Matcher m = SHORT_DURATION.matcher(v.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            return Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
