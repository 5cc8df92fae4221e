package dev.almanac.query;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Parsing a statement in the API's dialect, and turning what Calcite throws into a {@link QueryException}
 * with the HTTP status that fits and, for SQL errors, the line and column.
 */
final class SqlErrors {

    /** Calcite's lenient Babel parser, so that words like {@code value} and {@code period} work as column names. */
    static final SqlParser.Config PARSER = SqlParser.config()
            .withParserFactory(org.apache.calcite.sql.parser.babel.SqlBabelParserImpl.FACTORY)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(false)
            .withConformance(SqlConformanceEnum.BABEL);

    private static final Pattern NOT_FOUND = Pattern.compile("Object '([^']+)' not found.*");

    private SqlErrors() {
    }

    /** Parses one statement and checks that it only reads. */
    static SqlNode parse(String text) {
        try {
            SqlNode parsed = SqlParser.create(text, PARSER).parseStmt();
            SqlNode query = parsed instanceof SqlExplain explain ? explain.getExplicandum() : parsed;
            if (!query.isA(SqlKind.QUERY)) {
                throw new QueryException(403, "only queries (SELECT, WITH, VALUES, EXPLAIN PLAN FOR ...) are allowed: the query API is read-only, and "
                        + query.getKind() + " is not a query");
            }
            return parsed;
        } catch (SqlParseException e) {
            var pos = e.getPos();
            throw new QueryException(400, firstLine(e.getMessage()), pos == null ? 0 : pos.getLineNum(), pos == null ? 0 : pos.getColumnNum());
        }
    }

    /** A failure of preparing or running a statement: 404 for an unknown table, 400 with the position for SQL errors. */
    static QueryException jdbc(SQLException e, TableRegistry tables) {
        QueryException q = QueryException.find(e);
        if (q != null) {
            return q;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CalciteContextException cce) {
                String inner = cce.getCause() != null ? cce.getCause().getMessage() : cce.getMessage();
                Matcher m = NOT_FOUND.matcher(inner == null ? "" : inner);
                if (m.matches()) {
                    return new QueryException(404, "unknown table " + m.group(1) + "; known tables: " + String.join(", ", tables.names()),
                            cce.getPosLine(), cce.getPosColumn());
                }
                return new QueryException(400, inner, cce.getPosLine(), cce.getPosColumn());
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return translate(e);
    }

    /** The {@link QueryException} inside {@code t}, else a 500 naming the root cause. */
    static QueryException translate(Throwable t) {
        QueryException q = QueryException.find(t);
        if (q != null) {
            return q;
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new QueryException(500, "query failed: " + root.getClass().getSimpleName() + ": " + firstLine(String.valueOf(root.getMessage())));
    }

    static String firstLine(String s) {
        return QueryException.firstLine(s);
    }
}
