package dev.almanac.query;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * SQL over the tables of a {@link TableRegistry}: the entry point of a pull query. A key lookup is
 * answered by {@link KeyLookup} on the calling thread, without Calcite. Any other statement is checked
 * to be read-only and run through Calcite's JDBC driver on a bounded pool of workers
 * ({@link QueryWorkers}), where {@link StoreScan} and its rules push key predicates to the stores and
 * bind {@code FOR SYSTEM_TIME AS OF}; it is prepared once per worker and statement shape
 * ({@link StatementShapes}: string literals compared to text columns become parameters), so a repeated
 * statement runs without planning or compiling. Every query runs within the time limit and up to the
 * row cap. Identifiers are case-insensitive; strings go in single quotes, names that need it in double quotes.
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

    /** Longest statement accepted: a statement is typed or generated, never a data transfer. */
    public static final int MAX_STATEMENT_CHARS = 64 * 1024;

    private final TableRegistry tables;
    private final Router router;
    private final Limits limits;
    private final StatementShapes shapes;
    private final QueryWorkers workers;
    private final Semaphore lookupPermits;
    private final List<CalciteSession> allSessions = new ArrayList<>();
    private final ThreadLocal<CalciteSession> sessions;
    /** Key lookups answered without Calcite (for tests and figures). */
    final AtomicLong keyLookups = new AtomicLong();
    /** Statements parsed by Calcite to learn their shape (for tests and figures). */
    final AtomicLong parsed;

    public SqlEngine(TableRegistry tables, Router router, Limits limits) {
        this.tables = tables;
        this.router = router;
        this.limits = limits;
        this.shapes = new StatementShapes(tables);
        this.parsed = shapes.parsed;
        this.workers = new QueryWorkers(limits.threads());
        this.lookupPermits = new Semaphore(limits.threads());
        this.sessions = ThreadLocal.withInitial(() -> {
            CalciteSession s = CalciteSession.open(schema(null), "fun=standard");
            synchronized (allSessions) {
                allSessions.add(s);
            }
            return s;
        });
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
            done.add(workers.submit(() -> {
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
            return lookup(lookup, start);
        }
        QueryContext ctx = new QueryContext(limits.timeout());
        CalciteSession.Execution e = workers.run(ctx, (c, running) -> execute(text, params, c, running));
        return new QueryResult(e.columns(), e.rows(), e.truncated(), ctx.instancesSummary(), (System.nanoTime() - start) / 1e6);
    }

    private QueryResult lookup(KeyLookup.Plan plan, long start) {
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
            return KeyLookup.run(plan, router, ctx, limits.rowCap(), start);
        } catch (Exception e) {
            throw SqlErrors.translate(e);
        } finally {
            lookupPermits.release();
        }
    }

    /** Runs a statement on this thread's Calcite session: prepared with its literals as parameters when they can be. */
    private CalciteSession.Execution execute(String cleaned, List<Object> params, QueryContext ctx, AtomicReference<PreparedStatement> running)
            throws Exception {
        String text = Statements.quoteReservedTableNames(cleaned);
        CalciteSession session = sessions.get();
        if (!params.isEmpty()) {
            shapes.checkPrepared(text);
            try {
                return session.run(text, params, ctx, limits.rowCap(), running);
            } catch (SQLException e) {
                throw SqlErrors.jdbc(e, tables);
            }
        }
        Parameterizer.Normalized normalized = shapes.normalize(text);
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
            throw SqlErrors.jdbc(e, tables);
        }
    }

    /** Describes every table for {@code GET /tables}. */
    public List<Map<String, Object>> describe() {
        return tables.describe();
    }

    @Override
    public void close() {
        workers.close();
        synchronized (allSessions) {
            allSessions.forEach(CalciteSession::close);
            allSessions.clear();
        }
    }
}
