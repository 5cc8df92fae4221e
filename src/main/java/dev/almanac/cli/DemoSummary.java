package dev.almanac.cli;

import dev.almanac.query.QueryException;
import dev.almanac.query.QueryResult;
import dev.almanac.query.SqlEngine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code demo} prints instead of whole tables: the rows in each queryable table and a few
 * highlights, all read with SQL through the running query engine (so they show what the API and the
 * dashboard answer). A highlight whose table or rows are missing is left out, never an error.
 */
final class DemoSummary {

    private DemoSummary() {
    }

    static void print(PrintWriter out, SqlEngine engine) {
        out.printf("%nRows per table (./almanac demo --tables prints them in full):%n");
        List<String> counts = new ArrayList<>();
        for (Map<String, Object> table : engine.describe()) {
            String name = String.valueOf(table.get("name"));
            Optional<Long> n = number(engine, "SELECT COUNT(*) FROM \"" + name + "\"");
            counts.add(name + " " + n.map(String::valueOf).orElse("(by key)"));
        }
        wrap(out, counts, "  ", " · ", 110);
        out.printf("%nHighlights:%n");
        String base = first(engine, "SELECT DISTINCT base_indicator FROM shares").map(r -> String.valueOf(r.get(0))).orElse("gdp");
        mostRevised(engine, base).ifPresent(line -> out.println("  " + line));
        first(engine, "SELECT region, parent, period, value, qualifier, base_indicator FROM shares ORDER BY value DESC").ifPresent(r ->
                out.printf("  Largest share: %s of %s, %s %s: %s%.1f %% (%s)%n", r.get(0), r.get(1), r.get(5), r.get(2),
                        "exact".equals(r.get(4)) ? "" : "~", ((Number) r.get(3)).doubleValue(), r.get(4)));
        reconciliation(engine).ifPresent(line -> out.println("  " + line));
        List<List<Object>> kinds = rows(engine, "SELECT kind, COUNT(*) FROM conflicts GROUP BY kind ORDER BY kind");
        if (!kinds.isEmpty()) {
            out.printf("  Conflicts and jumps: %s%n", kinds.stream().map(k -> k.get(1) + " " + k.get(0)).collect(Collectors.joining(", ")));
        }
        out.flush();
    }

    /** The figure of {@code indicator} with the most vintages, as "5万亿 → 52073.4亿 → 5.2073万亿". */
    private static Optional<String> mostRevised(SqlEngine engine, String indicator) {
        String best = null;
        int most = 1;
        for (List<Object> key : rows(engine, "SELECT region, period FROM latest WHERE indicator = '" + indicator.replace("'", "''") + "'")) {
            List<List<Object>> vintages = rows(engine, "SELECT value_text, unit, published FROM revisions WHERE indicator = '"
                    + indicator.replace("'", "''") + "' AND region = '" + key.get(0) + "' AND period = '" + key.get(1) + "' ORDER BY vintage");
            if (vintages.size() > most) {
                most = vintages.size();
                best = String.format("Most revised %s figure: %s %s, %s %s (published %s)", indicator, key.get(0), key.get(1),
                        vintages.stream().map(v -> String.valueOf(v.get(0))).collect(Collectors.joining(" → ")), vintages.get(0).get(1),
                        vintages.stream().map(v -> String.valueOf(v.get(2)).substring(0, 10)).collect(Collectors.joining(", ")));
            }
        }
        return Optional.ofNullable(best);
    }

    private static Optional<String> reconciliation(SqlEngine engine) {
        List<List<Object>> rows = rows(engine, "SELECT region, reported, counted, consistent, indicator FROM registrations_reconciliation ORDER BY region, \"date\"");
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object region = rows.get(0).get(0);
        List<List<Object>> mine = rows.stream().filter(r -> r.get(0).equals(region)).toList();
        boolean consistent = mine.stream().allMatch(r -> Boolean.TRUE.equals(r.get(3)));
        return Optional.of(String.format("Registrations: %s reported %s (%s), counted %s (%s)", region,
                mine.stream().map(r -> whole(r.get(1))).collect(Collectors.joining(" → ")), mine.get(0).get(4),
                mine.stream().map(r -> whole(r.get(2))).collect(Collectors.joining(" → ")),
                consistent ? "consistent" : "NOT consistent"));
    }

    private static String whole(Object n) {
        return n instanceof Number x && x.doubleValue() == Math.rint(x.doubleValue()) ? String.valueOf(x.longValue()) : String.valueOf(n);
    }

    private static Optional<Long> number(SqlEngine engine, String sql) {
        return first(engine, sql).map(r -> ((Number) r.get(0)).longValue());
    }

    private static Optional<List<Object>> first(SqlEngine engine, String sql) {
        List<List<Object>> rows = rows(engine, sql);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static List<List<Object>> rows(SqlEngine engine, String sql) {
        try {
            QueryResult r = engine.query(sql);
            return r.rows();
        } catch (QueryException e) {
            return List.of();
        }
    }

    private static void wrap(PrintWriter out, List<String> items, String indent, String separator, int width) {
        StringBuilder line = new StringBuilder(indent);
        for (String item : items) {
            if (line.length() > indent.length() && line.length() + separator.length() + item.length() > width) {
                out.println(line);
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(separator);
            }
            line.append(item);
        }
        if (line.length() > indent.length()) {
            out.println(line);
        }
    }
}
