package dev.almanac.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Statement shapes, so that planning is paid once per shape rather than per statement. A shape is a
 * statement's text with the content of its string literals taken out ({@link SqlTokens}); the first
 * statement of a shape is parsed by Calcite, which tells which literals are compared with text columns
 * ({@link Parameterizer}); those become {@code ?} parameters. Later statements of the shape are cut by
 * the lexer alone and bound, without Calcite's parser.
 */
final class StatementShapes {

    private static final int SHAPE_CACHE = 4096;

    private final Set<String> textColumns;
    private final ConcurrentHashMap<String, Shape> shapes = new ConcurrentHashMap<>();
    /** Statements parsed by Calcite to learn their shape (for tests and figures). */
    final AtomicLong parsed = new AtomicLong();

    StatementShapes(TableRegistry tables) {
        this.textColumns = textColumns(tables);
    }

    /** Columns that are text in every table that has them: comparisons with them can take string parameters. */
    private static Set<String> textColumns(TableRegistry tables) {
        Set<String> text = new HashSet<>();
        Set<String> other = new HashSet<>();
        for (TableDef def : tables.all()) {
            for (Column c : def.columns()) {
                (c.type() == SqlTypeName.VARCHAR ? text : other).add(c.name());
            }
        }
        text.removeAll(other);
        return text;
    }

    /** Checks a prepared statement (its text is its shape already) once: later ones of that text are not parsed. */
    void checkPrepared(String text) {
        if (shapes.get(text) == null) {
            SqlErrors.parse(text);
            remember(text, Shape.PREPARED);
        }
    }

    /** The statement with its text-column literals as parameters. */
    Parameterizer.Normalized normalize(String text) {
        SqlTokens.Lexed lexed = SqlTokens.lex(text);
        String skeleton = lexed.skeleton();
        Shape shape = skeleton == null ? null : shapes.get(skeleton);
        if (shape != null && shape != Shape.PREPARED) {
            Parameterizer.Normalized n = shape.apply(lexed);
            if (n != null) {
                return n;
            }
        }
        SqlNode node = SqlErrors.parse(text);
        parsed.incrementAndGet();
        // EXPLAIN shows the literals the plan pushes down; it is not worth a cached statement anyway.
        Parameterizer.Normalized normalized = node instanceof SqlExplain
                ? new Parameterizer.Normalized(text)
                : Parameterizer.normalize(text, node, textColumns);
        if (skeleton != null) {
            remember(skeleton, Shape.of(lexed, normalized));
        }
        return normalized;
    }

    private void remember(String key, Shape shape) {
        if (shapes.size() >= SHAPE_CACHE) {
            // Crude but bounded: a workload with this many shapes re-learns the ones it uses.
            shapes.clear();
        }
        shapes.put(key, shape);
    }

    /** Which string literals of a statement shape become parameters, by their order among the literals. */
    record Shape(int[] parameterLiterals, boolean cacheable) {
        static final Shape PREPARED = new Shape(new int[0], false);

        static Shape of(SqlTokens.Lexed lexed, Parameterizer.Normalized normalized) {
            List<SqlTokens.Token> strings = lexed.strings();
            int[] ordinals = new int[normalized.starts().size()];
            for (int p = 0; p < ordinals.length; p++) {
                int start = normalized.starts().get(p);
                int found = -1;
                for (int i = 0; i < strings.size(); i++) {
                    if (strings.get(i).start() == start && strings.get(i).plain()) {
                        found = i;
                    }
                }
                if (found < 0) {
                    return new Shape(new int[0], false);
                }
                ordinals[p] = found;
            }
            return new Shape(ordinals, true);
        }

        /** The normalized statement for another statement of this shape; null when it must be parsed. */
        Parameterizer.Normalized apply(SqlTokens.Lexed lexed) {
            if (!cacheable) {
                return null;
            }
            List<SqlTokens.Token> strings = lexed.strings();
            String text = lexed.text();
            StringBuilder sb = new StringBuilder(text.length());
            List<String> values = new ArrayList<>(parameterLiterals.length);
            List<Integer> starts = new ArrayList<>(parameterLiterals.length);
            int at = 0;
            for (int ordinal : parameterLiterals) {
                SqlTokens.Token t = strings.get(ordinal);
                // The parameterizer leaves values ending with a space alone (SQL pads CHAR literals).
                if (t.value().endsWith(" ")) {
                    return null;
                }
                sb.append(text, at, t.start()).append('?');
                values.add(t.value());
                starts.add(t.start());
                at = t.end();
            }
            sb.append(text, at, text.length());
            return parameterLiterals.length == 0 ? new Parameterizer.Normalized(text) : new Parameterizer.Normalized(sb.toString(), values, starts);
        }
    }
}
