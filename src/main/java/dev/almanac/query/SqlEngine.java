package dev.almanac.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * SQL over the tables of a {@link TableRegistry} with Apache Calcite. A statement is parsed (Calcite's
 * lenient Babel parser, so that words like {@code value} and {@code period} work as column names),
 * checked to be read-only, then prepared through Calcite's JDBC driver, where {@link StoreScan} and its
 * rules push key predicates to the stores and bind {@code FOR SYSTEM_TIME AS OF}. Prepared statements
 * are cached per worker thread by their text, with string literals compared to text columns turned
 * into parameters, so a repeated key lookup runs without planning or compiling. Queries run on a
 * bounded pool of worker threads, within the time limit and up to the row cap. Identifiers are
 * case-insensitive; strings go in single quotes, names that need it in double quotes.
 */
public final class SqlEngine implements AutoCloseable {

    /** Limits applied to every query. */
    public record Limits(int rowCap, Duration timeout, int threads) {
        public Limits {
            if (rowCap < 1 || timeout.isNegative() || timeout.isZero() || threads < 1) {
                throw new IllegalArgumentException("row cap, timeout and threads must be positive");
            }
        }
    }

    static final SqlParser.Config PARSER = SqlParser.config()
            .withParserFactory(org.apache.calcite.sql.parser.babel.SqlBabelParserImpl.FACTORY)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(false)
            .withConformance(SqlConformanceEnum.BABEL);

    private static final Pattern NOT_FOUND = Pattern.compile("Object '([^']+)' not found.*");
    private static final int STATEMENT_CACHE = 256;
    private static final int SHAPE_CACHE = 4096;
    /** Longest statement accepted: a statement is typed or generated, never a data transfer. */
    public static final int MAX_STATEMENT_CHARS = 64 * 1024;
    static final String SCHEMA = "almanac";

    private final TableRegistry tables;
    private final Router router;
    private final Limits limits;
    private final Set<String> textColumns;
    private final ExecutorService executor;
    private final java.util.concurrent.Semaphore lookupPermits;
    private final List<Session> allSessions = new ArrayList<>();
    private final ThreadLocal<Session> sessions;
    private final java.util.concurrent.ConcurrentHashMap<String, Shape> shapes = new java.util.concurrent.ConcurrentHashMap<>();
    /** Statements parsed by Calcite, and key lookups answered without it (for tests and figures). */
    final java.util.concurrent.atomic.AtomicLong parsed = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong keyLookups = new java.util.concurrent.atomic.AtomicLong();

    public SqlEngine(TableRegistry tables, Router router, Limits limits) {
        this.tables = tables;
        this.router = router;
        this.limits = limits;
        this.textColumns = textColumns(tables);
        this.lookupPermits = new java.util.concurrent.Semaphore(limits.threads());
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(limits.threads(), r -> {
            Thread t = new Thread(r, "almanac-sql-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.sessions = ThreadLocal.withInitial(() -> {
            Session s = Session.open(schema(null), "fun=standard");
            synchronized (allSessions) {
                allSessions.add(s);
            }
            return s;
        });
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

    public TableRegistry tables() {
        return tables;
    }

    public Limits limits() {
        return limits;
    }

    /** The Calcite schema: every registered table, with {@code replaced} swapped in (push queries). */
    AbstractSchema schema(Map<String, Table> replaced) {
        Map<String, Table> map = new LinkedHashMap<>();
        for (TableDef def : tables.all()) {
            map.put(def.name(), StoreTable.of(def, router));
        }
        if (replaced != null) {
            map.putAll(replaced);
        }
        return new AbstractSchema() {
            @Override
            protected Map<String, Table> getTableMap() {
                return map;
            }
        };
    }

    /**
     * Loads and compiles Calcite's parser, planner and code generator on every worker (the first query
     * in a JVM takes over a second otherwise), without touching the stores.
     */
    public void warmUp() {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < limits.threads(); i++) {
            done.add(executor.submit(() -> {
                runLocal("SELECT x, COUNT(*) AS n FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y) WHERE y <> 'c' GROUP BY x ORDER BY x DESC");
                for (TableDef def : tables.all()) {
                    runLocal("SELECT * FROM " + def.name() + " WHERE 1 = 0");
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            try {
                f.get(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("SQL engine warm-up failed: " + e.getMessage(), e);
            }
        }
    }

    private void runLocal(String sql) throws Exception {
        // Warming up compiles Calcite's code on a cold JVM, slow on a busy machine: not a user's time limit.
        QueryContext ctx = new QueryContext(Duration.ofMinutes(2));
        ctx.with(() -> execute(sql, List.of(), ctx, new AtomicReference<>()));
    }

    /**
     * Runs a pull query.
     *
     * @throws QueryException with the HTTP status that fits the problem
     */
    public QueryResult query(String sql) {
        return query(sql, List.of());
    }

    /**
     * Runs a pull query with values for its {@code ?} parameters, in order (strings, numbers, booleans
     * or nulls). A key lookup is answered by {@link KeyLookup} on the calling thread; anything else runs
     * on a worker with the statement prepared once per worker and shape.
     *
     * @throws QueryException with the HTTP status that fits the problem
     */
    public QueryResult query(String sql, List<?> parameters) {
        long start = System.nanoTime();
        String text = Statements.clean(sql);
        if (text.length() > MAX_STATEMENT_CHARS) {
            throw new QueryException(413, "the statement has " + text.length() + " characters; at most " + MAX_STATEMENT_CHARS + " are accepted");
        }
        if (Statements.isPush(text)) {
            throw QueryException.badRequest("EMIT CHANGES makes a push query: send it to POST /query-stream");
        }
        List<Object> params = new ArrayList<>(parameters);
        SqlTokens.Lexed lexed = SqlTokens.lex(text);
        if (lexed.parameters() != params.size()) {
            throw QueryException.badRequest("the statement has " + lexed.parameters() + " ? parameter(s) but " + params.size()
                    + " value(s) were given");
        }
        KeyLookup.Plan lookup = KeyLookup.match(tables, lexed, params);
        if (lookup != null) {
            keyLookups.incrementAndGet();
            QueryContext ctx = new QueryContext(limits.timeout());
            // As many lookups at once as there are workers: the rest wait, so that queries cannot take
            // every core from the stream threads.
            try {
                if (!lookupPermits.tryAcquire(limits.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new QueryException(504, "query exceeded the time limit of " + limits.timeout().toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueryException(503, "interrupted");
            }
            try {
                return KeyLookup.run(lookup, router, ctx, limits.rowCap(), start);
            } catch (Exception e) {
                throw translate(e);
            } finally {
                lookupPermits.release();
            }
        }
        QueryContext ctx = new QueryContext(limits.timeout());
        AtomicReference<PreparedStatement> running = new AtomicReference<>();
        Future<Execution> future = executor.submit(() -> ctx.with(() -> execute(text, params, ctx, running)));
        try {
            Execution e = future.get(limits.timeout().toMillis() + 250, TimeUnit.MILLISECONDS);
            return new QueryResult(e.columns, e.rows, e.truncated, ctx.instancesSummary(), (System.nanoTime() - start) / 1e6);
        } catch (TimeoutException e) {
            ctx.cancel();
            PreparedStatement ps = running.get();
            if (ps != null) {
                try {
                    ps.cancel();
                } catch (SQLException ignored) {
                    // the deadline check in the scans stops it anyway
                }
            }
            future.cancel(true);
            throw new QueryException(504, "query exceeded the time limit of " + limits.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new QueryException(503, "interrupted");
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        }
    }

    record Execution(List<QueryResult.ResultColumn> columns, List<List<Object>> rows, boolean truncated) {
    }

    private Execution execute(String cleaned, List<Object> params, QueryContext ctx, AtomicReference<PreparedStatement> running)
            throws Exception {
        String text = Statements.quoteReservedTableNames(cleaned);
        Session session = sessions.get();
        if (!params.isEmpty()) {
            // A prepared statement: its text is its shape already.
            if (shapes.get(text) == null) {
                parse(text);
                remember(text, Shape.PREPARED);
            }
            try {
                return session.run(text, params, ctx, limits.rowCap(), running);
            } catch (SQLException e) {
                throw jdbcError(e);
            }
        }
        Parameterizer.Normalized normalized = normalize(text);
        if (!normalized.parameters().isEmpty()) {
            try {
                return session.run(normalized.sql(), normalized.parameters(), ctx, limits.rowCap(), running);
            } catch (Exception e) {
                QueryException q = QueryException.find(e);
                if (q != null && (q.status() == 503 || q.status() == 504)) {
                    throw q;
                }
                // Not every comparison takes a parameter (an alias hiding a number, say): run it as written,
                // which also reports any error with the positions of the statement the user sent.
            }
        }
        try {
            return session.run(text, List.of(), ctx, limits.rowCap(), running);
        } catch (SQLException e) {
            throw jdbcError(e);
        }
    }

    /**
     * The statement with its text-column literals as parameters. Statements that differ only in the
     * content of their string literals share a shape: the first one is parsed and tells which literals
     * become parameters; later ones are cut by the lexer alone, without Calcite's parser.
     */
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
        SqlNode parsed = parse(text);
        this.parsed.incrementAndGet();
        // EXPLAIN shows the literals the plan pushes down; it is not worth a cached statement anyway.
        Parameterizer.Normalized normalized = parsed instanceof SqlExplain
                ? new Parameterizer.Normalized(text)
                : Parameterizer.normalize(text, parsed, textColumns);
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

    private QueryException jdbcError(SQLException e) {
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

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** Describes every table for {@code GET /tables}. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TableDef def : tables.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", def.name());
            m.put("description", def.description());
            List<Map<String, Object>> cols = new ArrayList<>();
            for (Column c : def.columns()) {
                Map<String, Object> col = new LinkedHashMap<>();
                col.put("name", c.name());
                col.put("type", c.type().getName());
                col.put("doc", c.doc());
                cols.add(col);
            }
            m.put("columns", cols);
            m.put("key", def.keyColumns());
            m.put("required_key_columns", def.requiredKeyColumns());
            m.put("as_of", def.temporal());
            m.put("emit_changes", def.changes().isPresent());
            out.add(m);
        }
        return out;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        synchronized (allSessions) {
            allSessions.forEach(Session::close);
            allSessions.clear();
        }
    }

    /** A Calcite connection with the Almanac schema and its prepared statements, used by one thread. */
    static final class Session {
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

        private Session(CalciteConnection connection) {
            this.connection = connection;
        }

        static Session open(AbstractSchema schema, String... extra) {
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
                return new Session(cc);
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

        Prepared prepare(String sql) throws SQLException {
            Prepared p = cache.get(sql);
            if (p == null) {
                PreparedStatement ps = connection.prepareStatement(sql);
                p = new Prepared(ps, columns(ps.getMetaData()));
                cache.put(sql, p);
            }
            return p;
        }

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
}
