package dev.almanac.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.query.ChangeStream;
import dev.almanac.query.LocalPartitionReader;
import dev.almanac.query.PartitionAnswer;
import dev.almanac.query.PushQuery;
import dev.almanac.query.QueryContext;
import dev.almanac.query.QueryException;
import dev.almanac.query.QueryResult;
import dev.almanac.query.SqlEngine;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The HTTP query API. Endpoints:
 * <ul>
 *   <li>{@code POST /query} {"sql": "..."}: a pull query, answered as JSON;</li>
 *   <li>{@code POST /query-stream} {"sql": "... EMIT CHANGES"}: a push query, answered as newline-delimited JSON over
 *       chunked HTTP until the limit or the client disconnects;</li>
 *   <li>{@code GET /tables}: the tables and their columns;</li>
 *   <li>{@code GET /health}: 200 while every application runs, 503 while one rebalances, restores or stops;</li>
 *   <li>{@code POST /internal/read}: partition reads for other instances of the application.</li>
 * </ul>
 * Errors are {@code {"status": 400, "error": "...", "line": 1, "column": 8}}. With a token, every
 * endpoint but {@code /health} needs {@code Authorization: Bearer <token>}. The routes can be added to a
 * Javalin instance shared with other servers ({@link #routes}) or run on one of their own ({@link #start}).
 */
public final class QueryServer implements AutoCloseable {

    static final String INTERNAL_READ = "/internal/read";

    /**
     * @param apiToken bearer token required on every endpoint but health; empty for none
     * @param maxStreams concurrent push queries allowed
     * @param heartbeat push streams send a blank line after this long without rows
     */
    public record Options(Optional<String> apiToken, int maxStreams, Duration heartbeat) {
    }

    private final SqlEngine engine;
    private final LocalPartitionReader local;
    private final ChangeStream changes;
    private final Supplier<Map<String, KafkaStreams.State>> state;
    private final Options options;
    private final Semaphore streams;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private Javalin own;

    /**
     * @param state the state of each Kafka Streams application the tables come from (ready when all run)
     */
    public QueryServer(SqlEngine engine, LocalPartitionReader local, ChangeStream changes, Supplier<Map<String, KafkaStreams.State>> state,
                       Options options) {
        this.engine = engine;
        this.local = local;
        this.changes = changes;
        this.state = state;
        this.options = options;
        this.streams = new Semaphore(options.maxStreams());
    }

    /** A Javalin instance configured for this API (no banner, no compression: streams must not be buffered). */
    public static Javalin javalin() {
        return Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.disableCompression();
        });
    }

    /** Starts a server of its own on {@code host:port} (port 0: any free port). */
    public QueryServer start(String host, int port) {
        return start(host, port, app -> { });
    }

    /** Starts a server of its own with this API's routes and those that {@code more} adds (a dashboard, metrics). */
    public QueryServer start(String host, int port, java.util.function.Consumer<Javalin> more) {
        Javalin app = javalin();
        routes(app);
        more.accept(app);
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
        }
        this.own = app;
        return this;
    }

    /** The port of the server started by {@link #start}. */
    public int port() {
        if (own == null) {
            throw new IllegalStateException("not started on a server of its own");
        }
        return own.port();
    }

    /** Adds this API's routes to {@code app}. */
    public void routes(Javalin app) {
        app.post("/query", guarded(this::query));
        app.post("/query-stream", guarded(this::queryStream));
        app.get("/tables", guarded(ctx -> ctx.json(Map.of("tables", engine.describe()))));
        app.get("/health", this::health);
        app.post(INTERNAL_READ, guarded(this::internalRead));
    }

    private Handler guarded(Handler handler) {
        return ctx -> {
            if (options.apiToken().isPresent() && !authorized(ctx.header("Authorization"), options.apiToken().get())) {
                ctx.header("WWW-Authenticate", "Bearer");
                error(ctx, new QueryException(401, "missing or wrong bearer token (Authorization: Bearer <token>)"));
                return;
            }
            try {
                handler.handle(ctx);
            } catch (QueryException e) {
                error(ctx, e);
            }
        };
    }

    private static boolean authorized(String header, String token) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    private static void error(Context ctx, QueryException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", e.status());
        body.put("error", e.getMessage());
        if (e.line() > 0) {
            body.put("line", e.line());
            body.put("column", e.column());
        }
        ctx.status(e.status()).json(body);
    }

    /** The message of an error body, or the body itself when it is not one. */
    static String errorMessage(byte[] body) {
        try {
            JsonNode n = PeerJson.MAPPER.readTree(body);
            if (n != null && n.has("error")) {
                return n.get("error").asText();
            }
        } catch (IOException ignored) {
            // not JSON: fall through
        }
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static String sql(Context ctx) {
        JsonNode body;
        try {
            body = PeerJson.MAPPER.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw QueryException.badRequest("the body must be JSON: {\"sql\": \"SELECT ...\"}");
        }
        if (body == null || !body.path("sql").isTextual()) {
            throw QueryException.badRequest("the body must be JSON with a string field sql: {\"sql\": \"SELECT ...\"}");
        }
        return body.get("sql").asText();
    }

    private void query(Context ctx) {
        QueryResult r = engine.query(sql(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("columns", columns(r.columns()));
        body.put("rows", r.rows());
        body.put("truncated", r.truncated());
        body.put("row_cap", engine.limits().rowCap());
        body.put("instances", r.instances());
        body.put("elapsed_ms", Math.round(r.elapsedMillis() * 100) / 100.0);
        ctx.json(body);
    }

    private static List<Map<String, String>> columns(List<QueryResult.ResultColumn> columns) {
        return columns.stream().map(c -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("type", c.type());
            return m;
        }).toList();
    }

    private void health(Context ctx) {
        Map<String, KafkaStreams.State> states = state.get();
        boolean ready = states.values().stream().allMatch(s -> s == KafkaStreams.State.RUNNING);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", ready);
        body.put("instance", local.instance());
        Map<String, String> named = new LinkedHashMap<>();
        states.forEach((app, s) -> named.put(app, s.name()));
        body.put("applications", named);
        ctx.status(ready ? 200 : 503).json(body);
    }

    private void internalRead(Context ctx) throws Exception {
        PeerJson.Read read = PeerJson.parseRequest(ctx.bodyAsBytes());
        QueryContext qc = new QueryContext(Duration.ofMillis(Math.max(1, read.timeoutMillis())));
        PartitionAnswer answer = qc.with(() -> local.read(read.table(), read.partitions(), read.standby()));
        ctx.contentType("application/json").result(PeerJson.answer(answer));
    }

    private void queryStream(Context ctx) throws Exception {
        String sql = sql(ctx);
        if (!streams.tryAcquire()) {
            throw new QueryException(503, "too many push queries running (" + options.maxStreams() + "); try again later");
        }
        try (PushQuery query = PushQuery.prepare(engine, sql)) {
            ctx.status(200);
            ctx.res().setContentType("application/x-ndjson; charset=utf-8");
            ctx.res().setHeader("Cache-Control", "no-cache");
            NdjsonSink sink = new NdjsonSink(ctx.res().getOutputStream());
            try {
                changes.run(query, sink, () -> closing.get() || Thread.currentThread().isInterrupted());
            } catch (IOException clientGone) {
                // The client disconnected: that is how a push query without LIMIT ends.
            } catch (Exception e) {
                QueryException q = QueryException.find(e);
                sink.error(q != null ? q.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } finally {
            streams.release();
        }
    }

    /** Writes a push query's output as newline-delimited JSON, flushing every line. */
    private static final class NdjsonSink implements ChangeStream.Sink {
        private final OutputStream out;

        NdjsonSink(OutputStream out) {
            this.out = out;
        }

        private void line(Object value) throws IOException {
            out.write(PeerJson.MAPPER.writeValueAsBytes(value));
            out.write('\n');
            out.flush();
        }

        @Override
        public void begin(List<QueryResult.ResultColumn> columns) throws IOException {
            line(Map.of("columns", columns(columns)));
        }

        @Override
        public void row(List<Object> row) throws IOException {
            ObjectNode n = PeerJson.MAPPER.createObjectNode();
            n.set("row", PeerJson.MAPPER.valueToTree(row));
            line(n);
        }

        @Override
        public void heartbeat() throws IOException {
            out.write('\n');
            out.flush();
        }

        /** The stream failed after it began: the status is sent already, so the error is the last line. */
        void error(String message) {
            try {
                line(Map.of("error", message));
            } catch (IOException ignored) {
                // the client is gone as well
            }
        }

        @Override
        public void end(long rows, String reason) throws IOException {
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("done", true);
            done.put("rows", rows);
            done.put("reason", reason);
            line(done);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage();
    }

    @Override
    public void close() {
        closing.set(true);
        if (own != null) {
            own.stop();
            own = null;
        }
    }
}
