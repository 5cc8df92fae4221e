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
 * The fast path for the most frequent statements, answered without parsing, planning or a worker thread:
 * <pre>
 * SELECT * | col, ... | COUNT(*) FROM table [FOR SYSTEM_TIME AS OF TIMESTAMP 'yyyy-MM-dd HH:mm:ss']
 *     [WHERE key1 = 'v1' AND key2 = 'v2' ...] [LIMIT n]
 * </pre>
 * where the compared columns are the whole key (a key lookup) or its leading columns (a prefix read),
 * each compared for equality with a string literal or a {@code ?} parameter, and nothing else; without
 * WHERE, every row. Such a statement reads exactly what Calcite's plan would read (the same
 * {@link ReadRequest} through the same {@link Router}, in the same order), keeps the rows whose key
 * columns equal the values (Calcite's filter), projects the columns and stops at the LIMIT, so the
 * answer is the same. {@code COUNT(*)} asks for a count-only read: the latest and current tables count
 * their entries without decoding them into rows. Anything else (aliases, expressions, other predicates,
 * ORDER BY, comments, values ending with a space that SQL would pad, other timestamp forms) is left to
 * the general path: {@link #match} answers null.
 */
final class KeyLookup {

    /** Calcite's name and type for an unnamed {@code COUNT(*)} column. */
    static final QueryResult.ResultColumn COUNT_COLUMN = new QueryResult.ResultColumn("EXPR$0", "BIGINT");

    private static final java.util.regex.Pattern TIMESTAMP = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    /**
     * @param projection table column index of each result column (empty for a count)
     * @param count whether the statement is {@code SELECT COUNT(*)}: one row, the number of rows read
     * @param keyIndexes table column index of each compared key column, in key order (empty: every row)
     * @param keyValues the value each compared key column must equal, in key order
     * @param asOf {@code FOR SYSTEM_TIME AS OF} in epoch millis (UTC), or null
     * @param limit {@code LIMIT n}, or -1 for none
     */
    record Plan(TableDef table, int[] projection, List<QueryResult.ResultColumn> columns, boolean count, int[] keyIndexes,
                List<String> keyValues, Long asOf, long limit) {

        /** What the statement reads: its key or key prefix, or every row; only how many for a count. */
        ReadRequest request() {
            ReadRequest r = keyValues.isEmpty() ? ReadRequest.all(asOf) : ReadRequest.keys(List.of(keyValues), asOf);
            return count ? r.counting() : r;
        }
    }

    private KeyLookup() {
    }

    /** The plan for {@code lexed} when it is a statement this class answers; null otherwise. */
    static Plan match(TableRegistry tables, SqlTokens.Lexed lexed, List<Object> parameters) {
        if (lexed.comments() || lexed.unterminated()) {
            return null;
        }
        List<SqlTokens.Token> t = lexed.tokens();
        int i = 0;
        if (t.size() < 4 || !t.get(i++).is("select")) {
            return null;
        }
        List<String> selected = new ArrayList<>();
        boolean star = false;
        boolean count = false;
        if (t.get(i).isChar('*')) {
            star = true;
            i++;
        } else if (t.size() > i + 4 && t.get(i).is("count") && t.get(i + 1).isChar('(') && t.get(i + 2).isChar('*')
                && t.get(i + 3).isChar(')')) {
            count = true;
            i += 4;
        } else {
            while (true) {
                String name = name(t.get(i++));
                if (name == null || i >= t.size()) {
                    return null;
                }
                selected.add(name);
                if (t.get(i).isChar(',')) {
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
        if (def == null) {
            return null;
        }
        Long asOf = null;
        if (i < t.size() && t.get(i).is("for")) {
            if (!def.temporal() || i + 5 >= t.size() || !t.get(i + 1).is("system_time") || !t.get(i + 2).is("as")
                    || !t.get(i + 3).is("of") || !t.get(i + 4).is("timestamp")) {
                return null;
            }
            asOf = millis(t.get(i + 5));
            if (asOf == null) {
                return null;
            }
            i += 6;
        }
        Map<String, String> equal = new HashMap<>();
        int parameter = 0;
        if (i < t.size() && t.get(i).is("where")) {
            i++;
            if (def.keyColumns().isEmpty()) {
                return null;
            }
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
                if (i == t.size() || t.get(i).is("limit")) {
                    break;
                }
                if (!t.get(i++).is("and")) {
                    return null;
                }
            }
        }
        long limit = -1;
        if (i < t.size() && t.get(i).is("limit")) {
            if (count || i + 2 != t.size() || t.get(i + 1).kind() != SqlTokens.Kind.NUMBER || !t.get(i + 1).value().matches("\\d{1,9}")) {
                return null;
            }
            limit = Long.parseLong(t.get(i + 1).value());
            if (limit == 0) {
                return null; // Calcite answers without reading: so does the general path
            }
            i += 2;
        }
        if (i != t.size() || parameter != parameters.size() || equal.size() > def.keyColumns().size()) {
            return null;
        }
        // The compared columns must be the key's leading columns: those are read as a key or prefix.
        int[] keyIndexes = new int[equal.size()];
        List<String> keyValues = new ArrayList<>();
        for (int k = 0; k < keyIndexes.length; k++) {
            String key = def.keyColumns().get(k);
            if (!equal.containsKey(key)) {
                return null;
            }
            keyIndexes[k] = def.columnIndex(key);
            if (keyIndexes[k] < 0 || def.columns().get(keyIndexes[k]).type() != SqlTypeName.VARCHAR) {
                return null;
            }
            keyValues.add(equal.get(key));
        }
        if (count) {
            return new Plan(def, new int[0], List.of(COUNT_COLUMN), true, keyIndexes, List.copyOf(keyValues), asOf, limit);
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
        return new Plan(def, projection, List.copyOf(columns), false, keyIndexes, List.copyOf(keyValues), asOf, limit);
    }

    /** A {@code TIMESTAMP 'yyyy-MM-dd HH:mm:ss'} literal as UTC epoch millis; null for any other form (Calcite's to judge). */
    private static Long millis(SqlTokens.Token literal) {
        if (literal.kind() != SqlTokens.Kind.STRING || !literal.plain() || !TIMESTAMP.matcher(literal.value()).matches()) {
            return null;
        }
        try {
            return java.time.LocalDateTime.parse(literal.value().replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
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

    /** Reads the key, prefix or table and builds the answer, within {@code ctx}. */
    static QueryResult run(Plan plan, Router router, QueryContext ctx, int rowCap, long startNanos) throws Exception {
        List<Object[]> read = ctx.with(() -> router.read(plan.table(), plan.request()));
        if (plan.count()) {
            long n = 0;
            for (Object[] r : read) {
                if (r == ReadRequest.COUNTED || matches(plan, r)) {
                    n++;
                }
            }
            return new QueryResult(plan.columns(), List.of(List.of(n)), false, ctx.instancesSummary(), (System.nanoTime() - startNanos) / 1e6);
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        for (Object[] r : read) {
            if (!matches(plan, r)) {
                continue;
            }
            if (plan.limit() >= 0 && rows.size() >= plan.limit()) {
                break;
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
