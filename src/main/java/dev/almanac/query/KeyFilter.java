package dev.almanac.query;

import dev.almanac.foundation.RegionIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import java.util.function.IntFunction;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;

/**
 * Finds key predicates in the filters Calcite offers a table scan: equality (or {@code IN}, which
 * Calcite turns into a {@code SEARCH} over points, or an {@code OR} of equalities) of a key column with
 * literals, in the conjunction. The leading constrained key columns become key prefixes, one per
 * combination of values. The filters themselves stay with Calcite, which applies them again to the
 * rows read: pushdown only narrows what is read, it never decides the result alone.
 */
final class KeyFilter {

    /** Upper bound on lookups generated from IN lists: beyond it the prefix is shortened. */
    static final int MAX_PREFIXES = 1000;

    /**
     * The pushdown for a scan.
     *
     * @param none the predicates contradict each other (no row can match)
     * @param prefixes key prefixes to read, or null for a full scan
     * @param indexPrefixes region-index prefixes narrowing a full scan (empty for none)
     */
    public record Pushdown(boolean none, List<List<String>> prefixes, List<String> indexPrefixes) {
        public ReadRequest request(Long asOf) {
            if (prefixes != null) {
                return ReadRequest.keys(prefixes, asOf);
            }
            return indexPrefixes.isEmpty() ? ReadRequest.all(asOf) : ReadRequest.indexed(indexPrefixes, asOf);
        }
    }

    private KeyFilter() {
    }

    /** {@link #extract(List, List, IntFunction)} for filters without dynamic parameters. */
    public static Pushdown extract(List<RexNode> filters, List<Integer> keyColumns) {
        return extract(filters, keyColumns, -1, i -> null);
    }

    /**
     * @param filters the scan's filters (a conjunction)
     * @param keyColumns the table's key column indexes in key order
     * @param indexColumn the column of the table's region index, -1 for none
     * @param parameters the values of dynamic parameters ({@code ?}) by index, as bound for this execution
     */
    public static Pushdown extract(List<RexNode> filters, List<Integer> keyColumns, int indexColumn, IntFunction<Object> parameters) {
        Map<Integer, Set<String>> allowed = new HashMap<>();
        String likePrefix = null;
        for (RexNode filter : filters) {
            for (RexNode conjunct : RelOptUtil.conjunctions(filter)) {
                String like = likePrefix(conjunct, indexColumn);
                if (like != null && (likePrefix == null || like.length() > likePrefix.length())) {
                    likePrefix = like;
                }
                ColumnValues cv = columnValues(conjunct, parameters);
                if (cv != null) {
                    allowed.merge(cv.column, cv.values, (a, b) -> {
                        Set<String> both = new LinkedHashSet<>(a);
                        both.retainAll(b);
                        return both;
                    });
                }
            }
        }
        List<Set<String>> leading = new ArrayList<>();
        for (int column : keyColumns) {
            Set<String> values = allowed.get(column);
            if (values == null) {
                break;
            }
            if (values.isEmpty()) {
                return new Pushdown(true, List.of(), List.of());
            }
            leading.add(values);
        }
        while (!leading.isEmpty() && combinations(leading) > MAX_PREFIXES) {
            leading.remove(leading.size() - 1);
        }
        if (leading.isEmpty()) {
            Set<String> regions = indexColumn < 0 ? null : allowed.get(indexColumn);
            if (regions != null && regions.isEmpty()) {
                return new Pushdown(true, List.of(), List.of());
            }
            if (regions != null && regions.size() <= MAX_PREFIXES) {
                return new Pushdown(false, null, regions.stream().map(RegionIndex::exactRegion).toList());
            }
            return new Pushdown(false, null, likePrefix == null ? List.of() : List.of(likePrefix));
        }
        List<List<String>> prefixes = new ArrayList<>();
        prefixes.add(List.of());
        for (Set<String> values : leading) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> p : prefixes) {
                for (String v : values) {
                    List<String> longer = new ArrayList<>(p);
                    longer.add(v);
                    next.add(List.copyOf(longer));
                }
            }
            prefixes = next;
        }
        return new Pushdown(false, prefixes, List.of());
    }

    /** The literal start of {@code column LIKE 'abc%...'} (no ESCAPE clause), or null. */
    private static String likePrefix(RexNode node, int column) {
        if (column < 0 || !(node instanceof RexCall call) || call.getKind() != SqlKind.LIKE || call.getOperands().size() != 2) {
            return null;
        }
        Integer ref = inputRef(call.getOperands().get(0));
        if (ref == null || ref != column || !(call.getOperands().get(1) instanceof RexLiteral lit)) {
            return null;
        }
        String pattern = lit.getValueAs(String.class);
        if (pattern == null) {
            return null;
        }
        int end = 0;
        while (end < pattern.length() && pattern.charAt(end) != '%' && pattern.charAt(end) != '_') {
            end++;
        }
        return end == 0 ? null : pattern.substring(0, end);
    }

    private static long combinations(List<Set<String>> sets) {
        long n = 1;
        for (Set<String> s : sets) {
            n *= s.size();
            if (n > Integer.MAX_VALUE) {
                return n;
            }
        }
        return n;
    }

    private record ColumnValues(int column, Set<String> values) {
    }

    private static ColumnValues columnValues(RexNode node, IntFunction<Object> parameters) {
        if (!(node instanceof RexCall call)) {
            return null;
        }
        if (call.getKind() == SqlKind.EQUALS) {
            RexNode a = call.getOperands().get(0);
            RexNode b = call.getOperands().get(1);
            Integer column = inputRef(a);
            String value = stringLiteral(b, parameters);
            if (column == null || value == null) {
                column = inputRef(b);
                value = stringLiteral(a, parameters);
            }
            return column == null || value == null ? null : new ColumnValues(column, new LinkedHashSet<>(List.of(value)));
        }
        if (call.getKind() == SqlKind.SEARCH) {
            Integer column = inputRef(call.getOperands().get(0));
            if (column == null || !(call.getOperands().get(1) instanceof RexLiteral lit)) {
                return null;
            }
            Sarg<?> sarg = lit.getValueAs(Sarg.class);
            if (sarg == null || !sarg.isPoints() || sarg.nullAs == org.apache.calcite.rex.RexUnknownAs.TRUE) {
                return null;
            }
            Set<String> values = new LinkedHashSet<>();
            for (var range : sarg.rangeSet.asRanges()) {
                Object v = range.lowerEndpoint();
                if (!(v instanceof NlsString s)) {
                    return null;
                }
                values.add(keyText(s.getValue()));
            }
            return new ColumnValues(column, values);
        }
        if (call.getKind() == SqlKind.OR) {
            Integer column = null;
            Set<String> values = new LinkedHashSet<>();
            for (RexNode d : RelOptUtil.disjunctions(call)) {
                ColumnValues cv = columnValues(d, parameters);
                if (cv == null || (column != null && column != cv.column)) {
                    return null;
                }
                column = cv.column;
                values.addAll(cv.values);
            }
            return column == null ? null : new ColumnValues(column, values);
        }
        return null;
    }

    private static Integer inputRef(RexNode node) {
        // Only a bare column: a cast could truncate or pad, and then equality on it is not equality on the key.
        return node instanceof RexInputRef ref ? ref.getIndex() : null;
    }

    private static String stringLiteral(RexNode node, IntFunction<Object> parameters) {
        if (node instanceof RexLiteral lit && org.apache.calcite.sql.type.SqlTypeUtil.isCharacter(lit.getType())) {
            return keyText(lit.getValueAs(String.class));
        }
        if (node instanceof RexDynamicParam param && org.apache.calcite.sql.type.SqlTypeUtil.isCharacter(param.getType())
                && parameters.apply(param.getIndex()) instanceof String value) {
            return keyText(value);
        }
        return null;
    }

    /**
     * Calcite gives the literals of an IN list one CHAR type, padding the shorter ones with spaces; key
     * codes never end in a space (indicator, region and period grammars), so trailing spaces are padding.
     */
    private static String keyText(String s) {
        if (s == null) {
            return null;
        }
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }
}
