package dev.almanac.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The fast path for the most frequent statement, a key lookup:
 * {@code SELECT * | col, ... FROM <table> WHERE <key1> = 'v1' AND <key2> = 'v2' ...} with every key
 * column of the table compared for equality with a string literal or a {@code ?} parameter, and nothing
 * else. Such a statement reads exactly what Calcite's plan would read (the same {@link ReadRequest}
 * through the same {@link Router}), keeps the rows whose key columns equal the values (Calcite's
 * filter) and projects the columns, so the answer is the same, without parsing, planning or a worker
 * thread. Anything else (aliases, expressions, other predicates, comments, values ending with a space
 * that SQL would pad) is left to the general path: {@link #match} answers null.
 */
final class KeyLookup {

    /**
     * @param projection table column index of each result column
     * @param keyIndexes table column index of each key column, in key order
     * @param keyValues the value each key column must equal, in key order
     */
    record Plan(TableDef table, int[] projection, List<QueryResult.ResultColumn> columns, int[] keyIndexes, List<String> keyValues) {
    }

    private KeyLookup() {
    }

    /** The plan for {@code lexed} when it is a key lookup this class answers; null otherwise. */
    static Plan match(TableRegistry tables, SqlTokens.Lexed lexed, List<Object> parameters) {
        if (lexed.comments() || lexed.unterminated()) {
            return null;
        }
        List<SqlTokens.Token> t = lexed.tokens();
        int i = 0;
        if (t.size() < 8 || !t.get(i++).is("select")) {
            return null;
        }
        List<String> selected = new ArrayList<>();
        boolean star = false;
        if (t.get(i).isChar('*')) {
            star = true;
            i++;
        } else {
            while (true) {
                String name = name(t.get(i++));
                if (name == null) {
                    return null;
                }
                selected.add(name);
                if (i < t.size() && t.get(i).isChar(',')) {
                    i++;
                    continue;
                }
                break;
            }
        }
        if (i >= t.size() || !t.get(i++).is("from") || i >= t.size()) {
            return null;
        }
        String tableName = name(t.get(i++));
        TableDef def = tableName == null ? null : tables.get(tableName).orElse(null);
        if (def == null || def.keyColumns().isEmpty() || i >= t.size() || !t.get(i++).is("where")) {
            return null;
        }
        Map<String, String> equal = new HashMap<>();
        int parameter = 0;
        while (true) {
            if (i + 2 >= t.size() || !t.get(i + 1).isChar('=')) {
                return null;
            }
            SqlTokens.Token a = t.get(i);
            SqlTokens.Token b = t.get(i + 2);
            i += 3;
            SqlTokens.Token column = isValue(a) ? b : a;
            SqlTokens.Token value = isValue(a) ? a : b;
            String name = name(column);
            if (name == null || !isValue(value) || isValue(column)) {
                return null;
            }
            String v;
            if (value.kind() == SqlTokens.Kind.PARAMETER) {
                if (parameter >= parameters.size() || !(parameters.get(parameter++) instanceof String s)) {
                    return null;
                }
                v = s;
            } else {
                v = value.value();
            }
            // SQL compares a CHAR literal with padding: leave values ending with a space to Calcite.
            if (v.endsWith(" ") || equal.put(name, v) != null) {
                return null;
            }
            if (i == t.size()) {
                break;
            }
            if (!t.get(i++).is("and")) {
                return null;
            }
        }
        if (parameter != parameters.size() || !equal.keySet().equals(new java.util.HashSet<>(def.keyColumns()))) {
            return null;
        }
        int[] keyIndexes = new int[def.keyColumns().size()];
        List<String> keyValues = new ArrayList<>();
        for (int k = 0; k < keyIndexes.length; k++) {
            String key = def.keyColumns().get(k);
            keyIndexes[k] = def.columnIndex(key);
            if (keyIndexes[k] < 0 || def.columns().get(keyIndexes[k]).type() != SqlTypeName.VARCHAR) {
                return null;
            }
            keyValues.add(equal.get(key));
        }
        List<String> names = star ? def.columns().stream().map(Column::name).toList() : selected;
        if (names.stream().distinct().count() != names.size()) {
            return null;
        }
        int[] projection = new int[names.size()];
        List<QueryResult.ResultColumn> columns = new ArrayList<>();
        for (int c = 0; c < projection.length; c++) {
            projection[c] = def.columnIndex(names.get(c));
            if (projection[c] < 0) {
                return null;
            }
            columns.add(new QueryResult.ResultColumn(names.get(c), def.columns().get(projection[c]).type().getName()));
        }
        return new Plan(def, projection, List.copyOf(columns), keyIndexes, List.copyOf(keyValues));
    }

    private static boolean isValue(SqlTokens.Token t) {
        return (t.kind() == SqlTokens.Kind.STRING && t.plain()) || t.kind() == SqlTokens.Kind.PARAMETER;
    }

    /** A column or table name as Calcite resolves it here: unquoted lower-cased, quoted as written. */
    private static String name(SqlTokens.Token t) {
        if (t.kind() == SqlTokens.Kind.WORD) {
            String lower = t.value().toLowerCase(Locale.ROOT);
            return RESERVED.contains(lower) && !lower.equals("current") ? null : lower;
        }
        return t.kind() == SqlTokens.Kind.QUOTED_NAME ? t.value() : null;
    }

    /** Words that are never a plain column or table name in this shape. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("select", "from", "where", "and", "or", "not", "as",
            "distinct", "all", "current", "case", "null", "true", "false");

    /** Reads the key and builds the answer, within {@code ctx}. */
    static QueryResult run(Plan plan, Router router, QueryContext ctx, int rowCap, long startNanos) throws Exception {
        List<Object[]> read = ctx.with(() -> router.read(plan.table(), ReadRequest.keys(List.of(plan.keyValues()), null)));
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        for (Object[] r : read) {
            if (!matches(plan, r)) {
                continue;
            }
            if (rows.size() >= rowCap) {
                truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(plan.projection().length);
            for (int c = 0; c < plan.projection().length; c++) {
                row.add(value(r[plan.projection()[c]], plan.columns().get(c).type()));
            }
            rows.add(row);
        }
        return new QueryResult(plan.columns(), rows, truncated, ctx.instancesSummary(), (System.nanoTime() - startNanos) / 1e6);
    }

    private static boolean matches(Plan plan, Object[] row) {
        for (int k = 0; k < plan.keyIndexes().length; k++) {
            if (!plan.keyValues().get(k).equals(row[plan.keyIndexes()[k]])) {
                return false;
            }
        }
        return true;
    }

    /** A stored value as {@link ResultRows} gives it for the column's type. */
    private static Object value(Object v, String type) {
        if (v == null) {
            return null;
        }
        switch (type) {
            case "TIMESTAMP":
                return Instant.ofEpochMilli(((Number) v).longValue()).toString();
            case "DATE":
                return LocalDate.ofEpochDay(((Number) v).longValue()).toString();
            case "TIME":
                return LocalTime.ofNanoOfDay(Math.floorMod(((Number) v).longValue(), 86_400_000L) * 1_000_000L).toString();
            case "DOUBLE":
                double d = ((Number) v).doubleValue();
                return Double.isNaN(d) || Double.isInfinite(d) ? Double.toString(d) : (Object) d;
            default:
                return v;
        }
    }
}
