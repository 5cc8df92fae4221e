package dev.almanac.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Replaces the string literals compared with text columns ({@code region = 'CN-BJ'},
 * {@code indicator IN ('gdp', 'cpi')}) by {@code ?} parameters, so that statements differing only in
 * those values share one prepared (compiled) statement. Only comparisons of a bare column known to be
 * text in every table with a plain quoted literal are touched, in the original text by the parser's
 * positions; anything else stays as written. The engine falls back to the literal statement when the
 * parameterized one fails, so this is an optimization only.
 */
final class Parameterizer {

    /**
     * The statement with {@code ?} in place of literals, their values in text order, and where each
     * replaced literal started in the original text (its opening quote).
     */
    record Normalized(String sql, List<String> parameters, List<Integer> starts) {
        Normalized(String sql) {
            this(sql, List.of(), List.of());
        }
    }

    private static final Set<SqlKind> COMPARISONS = Set.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN,
            SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL);

    private Parameterizer() {
    }

    private record Span(int start, int end, String value) {
    }

    static Normalized normalize(String text, SqlNode parsed, Set<String> textColumns) {
        int[] lineStarts = lineStarts(text);
        List<Span> spans = new ArrayList<>();
        parsed.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                SqlKind kind = call.getKind();
                if (COMPARISONS.contains(kind) && call.operandCount() == 2) {
                    SqlNode a = call.operand(0);
                    SqlNode b = call.operand(1);
                    if (isTextColumn(a, textColumns)) {
                        add(b);
                    } else if (isTextColumn(b, textColumns)) {
                        add(a);
                    }
                } else if ((kind == SqlKind.IN || kind == SqlKind.NOT_IN) && call.operandCount() == 2
                        && isTextColumn(call.operand(0), textColumns) && call.operand(1) instanceof SqlNodeList list
                        && list.stream().allMatch(n -> n instanceof SqlCharStringLiteral)) {
                    list.forEach(this::add);
                }
                return super.visit(call);
            }

            private void add(SqlNode node) {
                if (!(node instanceof SqlCharStringLiteral lit)) {
                    return;
                }
                String value = lit.getValueAs(String.class);
                SqlParserPos pos = lit.getParserPosition();
                if (value == null || value.endsWith(" ") || pos.getLineNum() < 1 || pos.getEndLineNum() > lineStarts.length) {
                    return;
                }
                int start = lineStarts[pos.getLineNum() - 1] + pos.getColumnNum() - 1;
                int end = lineStarts[pos.getEndLineNum() - 1] + pos.getEndColumnNum() - 1;
                // Only a plain '...' literal whose text is exactly the value (no prefix, no continuation).
                if (start < 0 || end >= text.length() || end <= start || text.charAt(start) != '\'' || text.charAt(end) != '\''
                        || !text.substring(start + 1, end).replace("''", "'").equals(value)) {
                    return;
                }
                spans.add(new Span(start, end + 1, value));
            }
        });
        if (spans.isEmpty()) {
            return new Normalized(text);
        }
        spans.sort(Comparator.comparingInt(Span::start));
        StringBuilder sb = new StringBuilder(text.length());
        List<String> values = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        int at = 0;
        for (Span s : spans) {
            if (s.start < at) {
                return new Normalized(text);
            }
            sb.append(text, at, s.start).append('?');
            values.add(s.value);
            starts.add(s.start);
            at = s.end;
        }
        sb.append(text, at, text.length());
        return new Normalized(sb.toString(), values, starts);
    }

    private static boolean isTextColumn(SqlNode node, Set<String> textColumns) {
        if (!(node instanceof SqlIdentifier id) || id.isStar()) {
            return false;
        }
        String last = id.names.get(id.names.size() - 1);
        return textColumns.contains(last.toLowerCase(java.util.Locale.ROOT));
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
