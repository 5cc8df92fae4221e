package dev.almanac.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * A Calcite JDBC connection over the Almanac schema with its prepared statements, used by one thread
 * at a time: preparing (planning and generating code) is what a repeated statement must not pay again.
 */
final class CalciteSession {

    /** The schema's name in the connection. */
    static final String SCHEMA = "almanac";
    private static final int STATEMENT_CACHE = 256;

    /** What a statement answered: its columns, up to the row cap of rows, and whether more were left. */
    record Execution(List<QueryResult.ResultColumn> columns, List<List<Object>> rows, boolean truncated) {
    }

    private record Prepared(PreparedStatement statement, List<QueryResult.ResultColumn> columns) {
    }

    final CalciteConnection connection;
    private final Map<String, Prepared> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Prepared> eldest) {
            if (size() > STATEMENT_CACHE) {
                closeQuietly(eldest.getValue().statement());
                return true;
            }
            return false;
        }
    };

    private CalciteSession(CalciteConnection connection) {
        this.connection = connection;
    }

    /**
     * A connection with the dialect of the API (Babel parser, case-insensitive, UTC).
     *
     * @param extra further connection properties, {@code key=value}
     */
    static CalciteSession open(AbstractSchema schema, String... extra) {
        try {
            Properties info = new Properties();
            info.setProperty("timeZone", "UTC");
            info.setProperty("caseSensitive", "false");
            info.setProperty("unquotedCasing", "TO_LOWER");
            info.setProperty("quotedCasing", "UNCHANGED");
            info.setProperty("quoting", "DOUBLE_QUOTE");
            info.setProperty("conformance", "BABEL");
            info.setProperty("parserFactory", "org.apache.calcite.sql.parser.babel.SqlBabelParserImpl#FACTORY");
            for (String kv : extra) {
                int eq = kv.indexOf('=');
                info.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Connection c = new org.apache.calcite.jdbc.Driver().connect("jdbc:calcite:", info);
            CalciteConnection cc = c.unwrap(CalciteConnection.class);
            SchemaPlus root = cc.getRootSchema();
            root.add(SCHEMA, schema);
            cc.setSchema(SCHEMA);
            return new CalciteSession(cc);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open a Calcite connection: " + e.getMessage(), e);
        }
    }

    /** Prepares (or reuses) {@code sql}, binds {@code parameters} and reads up to {@code cap} rows. */
    Execution run(String sql, List<?> parameters, QueryContext ctx, int cap, AtomicReference<PreparedStatement> running)
            throws SQLException {
        Prepared p = prepare(sql);
        PreparedStatement ps = p.statement();
        for (int i = 0; i < parameters.size(); i++) {
            ps.setObject(i + 1, parameters.get(i));
        }
        running.set(ps);
        ctx.check();
        List<List<Object>> rows = new ArrayList<>();
        boolean more;
        try (ResultSet rs = ps.executeQuery()) {
            more = ResultRows.read(rs, p.columns(), cap, rows, ctx);
        } catch (SQLException | RuntimeException e) {
            // A statement that failed may hold a half-consumed state: prepare it afresh next time.
            closeQuietly(ps);
            cache.remove(sql);
            throw e;
        }
        return new Execution(p.columns(), rows, more);
    }

    private Prepared prepare(String sql) throws SQLException {
        Prepared p = cache.get(sql);
        if (p == null) {
            PreparedStatement ps = connection.prepareStatement(sql);
            p = new Prepared(ps, columns(ps.getMetaData()));
            cache.put(sql, p);
        }
        return p;
    }

    /** The result columns of a prepared statement, with SQL type names without precision. */
    static List<QueryResult.ResultColumn> columns(ResultSetMetaData md) throws SQLException {
        List<QueryResult.ResultColumn> cols = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String type = md.getColumnTypeName(i);
            int paren = type.indexOf('(');
            cols.add(new QueryResult.ResultColumn(md.getColumnLabel(i), (paren < 0 ? type : type.substring(0, paren)).toUpperCase(Locale.ROOT)));
        }
        return cols;
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException ignored) {
            // nothing held outside the JVM
        }
    }

    void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing held outside the JVM
        }
    }
}
