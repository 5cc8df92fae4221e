package dev.almanac.derived.definition;

import dev.almanac.derived.definition.TableDefinition.Conflicts;
import dev.almanac.derived.definition.TableDefinition.Growth;
import dev.almanac.derived.definition.TableDefinition.Periods;
import dev.almanac.derived.definition.TableDefinition.Registrations;
import dev.almanac.derived.definition.TableDefinition.Shares;
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
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Validates a definitions document, collecting every problem with its line. */
final class DefinitionParser {

    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,48}$");
    private static final Pattern INDICATOR = Pattern.compile("^[a-z][a-z0-9_]{0,127}$");
    private static final Pattern SHORT_DURATION = Pattern.compile("^(\\d+)\\s*([dhms])$");
    /** Names of the foundation's topics: a derived table named so would write into them. */
    private static final Set<String> RESERVED = Set.of("observations", "latest", "current", "regions", "registrations");

    private static final Map<String, Set<String>> KEYS = Map.of(
            "share_of_parent", Set.of("type", "indicators"),
            "yoy_growth", Set.of("type", "indicators", "frequencies", "include_derived_periods"),
            "decumulation", Set.of("type", "indicators"),
            "conflicts", Set.of("type", "window", "tolerance", "jump_factor", "jump_skip_units"),
            "registrations", Set.of("type", "grace", "monthly_retention", "rolling_days", "reconcile_indicator"));

    private final String source;
    private final List<String> problems = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();

    DefinitionParser(String source) {
        this.source = source;
    }

    DerivedDefinitions parse(String text) {
        Node root;
        try {
            root = Yaml.parse(text);
        } catch (Yaml.SyntaxException e) {
            problem(e.line, e.getMessage());
            throw new DefinitionException(sorted());
        }
        List<TableDefinition> tables = new ArrayList<>();
        if (!(root instanceof MapNode map)) {
            problem(root.line(), "the document must be a mapping with keys 'version' and 'tables'");
            throw new DefinitionException(sorted());
        }
        allowOnly(map, Set.of("version", "tables"), "the document");
        Entry version = map.entries().get("version");
        if (version == null) {
            problem(map.line(), "missing 'version: 1'");
        } else if (!(version.value() instanceof Scalar s) || !"1".equals(s.text())) {
            problem(version.line(), "version must be 1");
        }
        Entry tablesEntry = map.entries().get("tables");
        if (tablesEntry == null) {
            problem(map.line(), "missing 'tables' (a mapping from table name to its definition)");
        } else if (!(tablesEntry.value() instanceof MapNode tablesMap)) {
            problem(tablesEntry.line(), "'tables' must be a mapping from table name to its definition");
        } else {
            for (Entry e : tablesMap.entries().values()) {
                TableDefinition t = table(e);
                if (t != null) {
                    tables.add(t);
                }
            }
        }
        long registrations = tables.stream().filter(t -> t instanceof Registrations).count();
        if (registrations > 1) {
            Registrations second = tables.stream().filter(t -> t instanceof Registrations).map(Registrations.class::cast).skip(1).findFirst().orElseThrow();
            problem(second.line(), "table '" + second.name() + "': only one table of type registrations may be defined (it consumes the registrations topic)");
        }
        if (!problems.isEmpty()) {
            throw new DefinitionException(sorted());
        }
        return new DerivedDefinitions(source, tables);
    }

    private TableDefinition table(Entry e) {
        String name = e.key();
        String where = "table '" + name + "'";
        int before = problems.size();
        if (!NAME.matcher(name).matches()) {
            problem(e.line(), where + ": a table name must match ^[a-z][a-z0-9-]{0,48}$ (it becomes part of topic and store names)");
        }
        if (!(e.value() instanceof MapNode t)) {
            problem(e.line(), where + ": expected a mapping with at least 'type'");
            return null;
        }
        Entry typeEntry = t.entries().get("type");
        if (typeEntry == null) {
            problem(e.line(), where + ": missing 'type' (one of " + String.join(", ", KEYS.keySet().stream().sorted().toList()) + ")");
            return null;
        }
        String type = scalar(typeEntry, where);
        if (type == null) {
            return null;
        }
        if (!KEYS.containsKey(type)) {
            problem(typeEntry.line(), where + ": unknown type '" + type + "' (one of "
                    + String.join(", ", KEYS.keySet().stream().sorted().toList()) + ")");
            return null;
        }
        if (RESERVED.contains(name) && !(name.equals("registrations") && type.equals("registrations"))) {
            problem(e.line(), where + ": the name '" + name + "' is taken by a foundation topic; choose another");
        }
        allowOnly(t, KEYS.get(type), where);
        TableDefinition result = switch (type) {
            case "share_of_parent" -> new Shares(name, e.line(), indicators(t, where, true));
            case "yoy_growth" -> new Growth(name, e.line(), indicators(t, where, true), frequencies(t, where),
                    bool(t, "include_derived_periods", where, true));
            case "decumulation" -> new Periods(name, e.line(), indicators(t, where, true));
            case "conflicts" -> new Conflicts(name, e.line(),
                    duration(t, "window", where, Duration.ofDays(31), false),
                    tolerance(t, where),
                    number(t, "jump_factor", where, 1.5, 1.0, Double.MAX_VALUE, false),
                    units(t, "jump_skip_units", where, Set.of("percent", "percentage_point", "rank", "ratio")));
            case "registrations" -> registrations(name, e, t, where);
            default -> throw new IllegalStateException(type);
        };
        return problems.size() == before ? result : null;
    }

    private Registrations registrations(String name, Entry e, MapNode t, String where) {
        Duration grace = duration(t, "grace", where, Duration.ofDays(35), true);
        Duration retention = duration(t, "monthly_retention", where, Duration.ofDays(3650), false);
        Duration minimum = Duration.ofDays(31).plus(grace);
        if (retention.compareTo(minimum) < 0) {
            Entry r = t.entries().get("monthly_retention");
            problem(r == null ? e.line() : r.line(), where + ": monthly_retention must be at least 31 days plus the grace period ("
                    + minimum.toDays() + "d), not " + (r == null ? retention.toDays() + "d" : ((Scalar) r.value()).text()));
        }
        return new Registrations(name, e.line(), grace, retention,
                (int) number(t, "rolling_days", where, 90, 1, 3650, true),
                indicator(t, "reconcile_indicator", where, "registered_llm_count"));
    }

    private void allowOnly(MapNode map, Set<String> allowed, String where) {
        for (Entry e : map.entries().values()) {
            if (!allowed.contains(e.key())) {
                problem(e.line(), where + ": unknown key '" + e.key() + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private String scalar(Entry e, String where) {
        if (e.value() instanceof Scalar s && s.text() != null && !s.text().isBlank()) {
            return s.text().trim();
        }
        problem(e.line(), where + ": '" + e.key() + "' must be a single value");
        return null;
    }

    private List<Scalar> list(Entry e, String where) {
        if (e.value() instanceof ListNode l) {
            List<Scalar> out = new ArrayList<>();
            for (Node n : l.items()) {
                if (n instanceof Scalar s && s.text() != null) {
                    out.add(s);
                } else {
                    problem(n.line(), where + ": '" + e.key() + "' items must be single values");
                }
            }
            return out;
        }
        problem(e.line(), where + ": '" + e.key() + "' must be a list, e.g. [gdp, unicorn_count]");
        return List.of();
    }

    private Set<String> indicators(MapNode t, String where, boolean required) {
        Entry e = t.entries().get("indicators");
        if (e == null) {
            if (required) {
                problem(t.line(), where + ": missing 'indicators' (a list of indicator codes)");
            }
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        List<Scalar> items = list(e, where);
        if (items.isEmpty() && e.value() instanceof ListNode) {
            problem(e.line(), where + ": 'indicators' must name at least one indicator");
        }
        for (Scalar s : items) {
            String code = s.text().trim();
            if (!INDICATOR.matcher(code).matches()) {
                problem(s.line(), where + ": indicator '" + code + "' is not a snake_case code (^[a-z][a-z0-9_]*$)");
            } else if (!out.add(code)) {
                problem(s.line(), where + ": indicator '" + code + "' is listed twice");
            }
        }
        return out;
    }

    private String indicator(MapNode t, String key, String where, String dflt) {
        Entry e = t.entries().get(key);
        if (e == null) {
            return dflt;
        }
        String code = scalar(e, where);
        if (code != null && !INDICATOR.matcher(code).matches()) {
            problem(e.line(), where + ": " + key + " '" + code + "' is not a snake_case code (^[a-z][a-z0-9_]*$)");
        }
        return code;
    }

    private Set<Frequency> frequencies(MapNode t, String where) {
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
                problem(s.line(), where + ": frequency '" + s.text() + "' is not one of A, Q, H, M, YTD, STOCK");
            }
        }
        if (out.isEmpty() && e.value() instanceof ListNode) {
            problem(e.line(), where + ": 'frequencies' must name at least one frequency");
        }
        return out;
    }

    private Set<String> units(MapNode t, String key, String where, Set<String> dflt) {
        Entry e = t.entries().get(key);
        if (e == null) {
            return dflt;
        }
        Set<String> out = new LinkedHashSet<>();
        for (Scalar s : list(e, where)) {
            String u = s.text().trim();
            if (!Units.isKnown(u)) {
                problem(s.line(), where + ": unit '" + u + "' is not one of " + String.join(", ", Units.KNOWN.stream().sorted().toList()));
            }
            out.add(u);
        }
        return out;
    }

    private boolean bool(MapNode t, String key, String where, boolean dflt) {
        Entry e = t.entries().get(key);
        if (e == null) {
            return dflt;
        }
        String v = scalar(e, where);
        if ("true".equals(v) || "false".equals(v)) {
            return Boolean.parseBoolean(v);
        }
        if (v != null) {
            problem(e.line(), where + ": " + key + " must be true or false, not '" + v + "'");
        }
        return dflt;
    }

    private double number(MapNode t, String key, String where, double dflt, double minExclusive, double max, boolean integer) {
        Entry e = t.entries().get(key);
        if (e == null) {
            return dflt;
        }
        return number(e, where, minExclusive, max, integer, dflt);
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
            problem(e.line(), where + ": " + e.key() + " must be a number, not '" + v + "'");
            return dflt;
        }
        boolean ok = integer ? d == Math.rint(d) && d >= min && d <= max : d > min && d <= max;
        if (!ok) {
            String range = integer ? "a whole number from " + (long) min + " to " + (long) max
                    : "a number greater than " + stripZero(min) + (max < Double.MAX_VALUE ? " and at most " + stripZero(max) : "");
            problem(e.line(), where + ": " + e.key() + " must be " + range + ", not " + v);
            return dflt;
        }
        return d;
    }

    private static String stripZero(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private Tolerance tolerance(MapNode t, String where) {
        Tolerance dflt = new Tolerance(0.005, 0.10, 0.25);
        Entry e = t.entries().get("tolerance");
        if (e == null) {
            return dflt;
        }
        if (!(e.value() instanceof MapNode m)) {
            problem(e.line(), where + ": tolerance must be a mapping with keys exact, approx, estimate");
            return dflt;
        }
        allowOnly(m, Set.of("exact", "approx", "estimate"), where + " tolerance");
        double exact = tol(m, "exact", where, dflt.exact());
        double approx = tol(m, "approx", where, dflt.approx());
        double estimate = tol(m, "estimate", where, dflt.estimate());
        return new Tolerance(exact, approx, estimate);
    }

    private double tol(MapNode m, String key, String where, double dflt) {
        Entry e = m.entries().get(key);
        if (e == null) {
            return dflt;
        }
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
            problem(e.line(), where + ": tolerance." + key + " must be a fraction from 0 up to (not including) 1, e.g. 0.1 for 10 %, not '" + v + "'");
        }
        return dflt;
    }

    private Duration duration(MapNode t, String key, String where, Duration dflt, boolean zeroAllowed) {
        Entry e = t.entries().get(key);
        if (e == null) {
            return dflt;
        }
        String v = scalar(e, where);
        if (v == null) {
            return dflt;
        }
        Duration d = parseDuration(v);
        if (d == null) {
            problem(e.line(), where + ": " + key + " '" + v + "' is not a duration such as 31d, 12h, 30m, 45s or P31D");
            return dflt;
        }
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            problem(e.line(), where + ": " + key + " must be " + (zeroAllowed ? "zero or more" : "more than zero") + ", not " + v);
            return dflt;
        }
        return d;
    }

    static Duration parseDuration(String v) {
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

    private void problem(int line, String message) {
        problems.add(source + ":" + line + ": " + message);
        lines.add(line);
    }

    /** The problems in file order (stable within a line). */
    private List<String> sorted() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparing(lines::get));
        return order.stream().map(problems::get).toList();
    }
}
