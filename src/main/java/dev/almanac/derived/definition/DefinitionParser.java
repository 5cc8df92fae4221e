package dev.almanac.derived.definition;

import dev.almanac.derived.definition.TableDefinition.Conflicts;
import dev.almanac.derived.definition.TableDefinition.Growth;
import dev.almanac.derived.definition.TableDefinition.Periods;
import dev.almanac.derived.definition.TableDefinition.Registrations;
import dev.almanac.derived.definition.TableDefinition.Shares;
import dev.almanac.derived.definition.Yaml.Entry;
import dev.almanac.derived.definition.Yaml.MapNode;
import dev.almanac.derived.definition.Yaml.Node;
import dev.almanac.derived.definition.Yaml.Scalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a definitions document: its structure, and each table by its type. Values are read by
 * {@link FieldReader}; every problem is collected, with its line, in {@link Problems}.
 */
final class DefinitionParser {

    private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,48}$");
    /** Names of the foundation's topics: a derived table named so would write into them. */
    private static final Set<String> RESERVED = Set.of("observations", "latest", "current", "regions", "registrations");

    private static final Map<String, Set<String>> KEYS = Map.of(
            "share_of_parent", Set.of("type", "indicators"),
            "yoy_growth", Set.of("type", "indicators", "frequencies", "include_derived_periods"),
            "decumulation", Set.of("type", "indicators"),
            "conflicts", Set.of("type", "window", "tolerance", "jump_factor", "jump_skip_units"),
            "registrations", Set.of("type", "grace", "monthly_retention", "rolling_days", "reconcile_indicator"));

    /**
     * Keys that once configured the windowed monthly registration counts. Monthly counts are now a table
     * aggregation with no late drops, so these have no effect; they are still accepted so that existing files load.
     */
    private static final Set<String> IGNORED_REGISTRATION_KEYS = Set.of("grace", "monthly_retention");

    private final String source;
    private final Problems problems;
    private final FieldReader fields;
    private final List<String> notes = new ArrayList<>();

    DefinitionParser(String source) {
        this.source = source;
        this.problems = new Problems(source);
        this.fields = new FieldReader(problems);
    }

    DerivedDefinitions parse(String text) {
        Node root;
        try {
            root = Yaml.parse(text);
        } catch (Yaml.SyntaxException e) {
            problems.add(e.line, e.getMessage());
            throw problems.exception();
        }
        List<TableDefinition> tables = new ArrayList<>();
        if (!(root instanceof MapNode map)) {
            problems.add(root.line(), "the document must be a mapping with keys 'version' and 'tables'");
            throw problems.exception();
        }
        fields.allowOnly(map, Set.of("version", "tables"), "the document");
        Entry version = map.entries().get("version");
        if (version == null) {
            problems.add(map.line(), "missing 'version: 1'");
        } else if (!(version.value() instanceof Scalar s) || !"1".equals(s.text())) {
            problems.add(version.line(), "version must be 1");
        }
        Entry tablesEntry = map.entries().get("tables");
        if (tablesEntry == null) {
            problems.add(map.line(), "missing 'tables' (a mapping from table name to its definition)");
        } else if (!(tablesEntry.value() instanceof MapNode tablesMap)) {
            problems.add(tablesEntry.line(), "'tables' must be a mapping from table name to its definition");
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
            problems.add(second.line(), "table '" + second.name() + "': only one table of type registrations may be defined (it consumes the registrations topic)");
        }
        if (problems.count() > 0) {
            throw problems.exception();
        }
        return new DerivedDefinitions(source, tables, notes);
    }

    private TableDefinition table(Entry e) {
        String name = e.key();
        String where = "table '" + name + "'";
        int before = problems.count();
        if (!NAME.matcher(name).matches()) {
            problems.add(e.line(), where + ": a table name must match ^[a-z][a-z0-9-]{0,48}$ (it becomes part of topic and store names)");
        }
        if (!(e.value() instanceof MapNode t)) {
            problems.add(e.line(), where + ": expected a mapping with at least 'type'");
            return null;
        }
        Entry typeEntry = t.entries().get("type");
        if (typeEntry == null) {
            problems.add(e.line(), where + ": missing 'type' (one of " + String.join(", ", KEYS.keySet().stream().sorted().toList()) + ")");
            return null;
        }
        String type = fields.scalar(typeEntry, where);
        if (type == null) {
            return null;
        }
        if (!KEYS.containsKey(type)) {
            problems.add(typeEntry.line(), where + ": unknown type '" + type + "' (one of "
                    + String.join(", ", KEYS.keySet().stream().sorted().toList()) + ")");
            return null;
        }
        if (RESERVED.contains(name) && !(name.equals("registrations") && type.equals("registrations"))) {
            problems.add(e.line(), where + ": the name '" + name + "' is taken by a foundation topic; choose another");
        }
        fields.allowOnly(t, KEYS.get(type), where);
        TableDefinition result = switch (type) {
            case "share_of_parent" -> new Shares(name, e.line(), fields.indicators(t, where, true));
            case "yoy_growth" -> new Growth(name, e.line(), fields.indicators(t, where, true), fields.frequencies(t, where),
                    fields.bool(t, "include_derived_periods", where, true));
            case "decumulation" -> new Periods(name, e.line(), fields.indicators(t, where, true));
            case "conflicts" -> new Conflicts(name, e.line(),
                    fields.duration(t, "window", where, Duration.ofDays(31), false),
                    fields.tolerance(t, where),
                    fields.number(t, "jump_factor", where, 1.5, 1.0, Double.MAX_VALUE, false),
                    fields.units(t, "jump_skip_units", where, Set.of("percent", "percentage_point", "rank", "ratio")));
            case "registrations" -> registrations(name, e, t, where);
            default -> throw new IllegalStateException(type);
        };
        return problems.count() == before ? result : null;
    }

    private Registrations registrations(String name, Entry e, MapNode t, String where) {
        t.entries().forEach((key, entry) -> {
            if (IGNORED_REGISTRATION_KEYS.contains(key)) {
                notes.add(source + ":" + entry.line() + ": " + where + ": '" + key + "' has no effect any more (monthly counts"
                        + " include every registration in the month of its registration date, however late it arrives); remove it");
            }
        });
        return new Registrations(name, e.line(),
                (int) fields.number(t, "rolling_days", where, 90, 1, 3650, true),
                fields.indicator(t, "reconcile_indicator", where, "registered_llm_count"));
    }

}
