package dev.almanac.query.http;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import dev.almanac.query.Statements;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The HTTP query API. Endpoints:
 * <ul>
 *   <li>{@code POST /query} {"sql": "...", "parameters": [...]}: a pull query, answered as JSON (Almanac's shape);</li>
 *   <li>{@code POST /query-stream} {"sql": "...", "properties": {}}: ksqlDB's endpoint for pull and push
 *       ({@code EMIT CHANGES}) queries: a header object, then row arrays, delimited
 *       ({@code application/vnd.ksqlapi.delimited.v1}, the default) or as one JSON array ({@code Accept: application/json});
 *       with {@code Accept: application/x-ndjson}, Almanac's own newline-delimited push stream (the SQL shell's);</li>
 *   <li>{@code POST /close-query} {"queryId": "..."}: ends a push query;</li>
 *   <li>{@code POST /ksql}, {@code GET /info}, {@code GET /healthcheck}: ksqlDB's, see {@link KsqlDbApi};</li>
 *   <li>{@code GET /tables}: the tables and their columns;</li>
 *   <li>{@code GET /health}: 200 while every application runs, 503 while one rebalances, restores or stops;</li>
 *   <li>{@code POST /internal/read}: partition reads for other instances of the application.</li>
 * </ul>
 * Errors of Almanac's endpoints are {@code {"status": 400, "error": "...", "line": 1, "column": 8}}, those of
 * ksqlDB's endpoints ksqlDB's {@code {"@type": ..., "error_code": ..., "message": ...}}. With a token, every
 * endpoint but the health checks needs {@code Authorization: Bearer <token>} (or Basic with the token as
 * password, as ksqlDB clients send). The server speaks HTTP/1.1 and HTTP/2 cleartext ({@link #javalin(String, int)});
 * the routes can also be added to a Javalin instance shared with other servers ({@link #routes}).
 */
public final class QueryServer implements AutoCloseable {

    static final String INTERNAL_READ = "/internal/read";

    /**
     * @param apiToken bearer token required on every endpoint but health; empty for none
     * @param maxStreams concurrent push queries allowed
     * @param heartbeat push streams send a blank line after this long without rows
     * @param serviceId the name {@code GET /info} gives (the application id)
     */
    public record Options(Optional<String> apiToken, int maxStreams, Duration heartbeat, String serviceId) {
        public Options(Optional<String> apiToken, int maxStreams, Duration heartbeat) {
            this(apiToken, maxStreams, heartbeat, "almanac");
        }
    }

    private final SqlEngine engine;
    private final LocalPartitionReader local;
    private final ChangeStream changes;
    private final Supplier<Map<String, KafkaStreams.State>> state;
    private final Options options;
    private final PushQueries pushes;
    private final KsqlDbApi ksql;
    private final AtomicLong pulls = new AtomicLong();
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
        this.pushes = new PushQueries(options.maxStreams());
        this.ksql = new KsqlDbApi(engine, pushes, state, options.serviceId());
    }

    /** A Javalin instance configured for this API, listening on {@code host:port} with HTTP/1.1 and HTTP/2 cleartext. */
    public static Javalin javalin(String host, int port) {
        return Javalin.create(c -> configure(c, host, port));
    }

    /**
     * Configures a Javalin for this API: no banner, no compression (streams must not be buffered), and one
     * connector on {@code host:port} that speaks HTTP/1.1 and HTTP/2 cleartext, with prior knowledge (ksqlDB
     * clients) or by upgrade. A server shared with other routes should be configured with this too.
     */
    public static void configure(JavalinConfig c, String host, int port) {
        c.showJavalinBanner = false;
        c.http.disableCompression();
        // Javalin's default pool (250 threads, 8 idle, JettyServerThreadPool), at the lowest Java priority: where
        // the JVM maps priorities to the OS (-XX:ThreadPriorityPolicy=1, opt-in, see docs/queries.md), requests
        // yield the cores to the stream threads, so that a query load slows queries rather than the pipeline.
        org.eclipse.jetty.util.thread.QueuedThreadPool pool = new org.eclipse.jetty.util.thread.QueuedThreadPool(250, 8, 60_000);
        pool.setName("JettyServerThreadPool");
        pool.setThreadsPriority(Thread.MIN_PRIORITY);
        c.jetty.threadPool = pool;
        c.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            return connector;
        });
    }

    /** Starts a server of its own on {@code host:port} (port 0: any free port). */
    public QueryServer start(String host, int port) {
        return start(host, port, app -> { });
    }

    /** Starts a server of its own with this API's routes and those that {@code more} adds (a dashboard, metrics). */
    public QueryServer start(String host, int port, java.util.function.Consumer<Javalin> more) {
        Javalin app = javalin(host, port);
        routes(app);
        more.accept(app);
        try {
            app.start();
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
        app.post("/query-stream", ctx -> {
            if (accepts(ctx, "application/x-ndjson")) {
                guarded(this::queryStream).handle(ctx);
            } else {
                ksqlGuarded(this::ksqlQueryStream).handle(ctx);
            }
        });
        app.post("/close-query", ksqlGuarded(this::closeQuery));
        app.post("/ksql", ksqlGuarded(ksql::ksql));
        app.get("/info", ksqlGuarded(ksql::info));
        app.get("/healthcheck", ksql::healthcheck);
        // The tables do not change while the server runs: their description is written once.
        byte[] tables = bytes(Map.of("tables", engine.describe()));
        app.get("/tables", guarded(ctx -> AnswerJson.send(ctx, "application/json", tables)));
        app.get("/health", this::health);
        app.post(INTERNAL_READ, guarded(this::internalRead));
    }

    private static boolean accepts(Context ctx, String type) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains(type);
    }

    private Handler guarded(Handler handler) {
        return ctx -> {
            if (!authorized(ctx)) {
                error(ctx, unauthorized(ctx));
                return;
            }
            try {
                handler.handle(ctx);
            } catch (QueryException e) {
                error(ctx, e);
            }
        };
    }

    /** Like {@link #guarded}, with errors in ksqlDB's shape. */
    private Handler ksqlGuarded(Handler handler) {
        return ctx -> {
            if (!authorized(ctx)) {
                ksqlError(ctx, unauthorized(ctx), null);
                return;
            }
            try {
                handler.handle(ctx);
            } catch (QueryException e) {
                ksqlError(ctx, e, ctx.attribute("statement"));
            }
        };
    }

    private static QueryException unauthorized(Context ctx) {
        ctx.header("WWW-Authenticate", "Bearer");
        return new QueryException(401, "missing or wrong bearer token (Authorization: Bearer <token>)");
    }

    private boolean authorized(Context ctx) {
        if (options.apiToken().isEmpty()) {
            return true;
        }
        String header = ctx.header("Authorization");
        String token = options.apiToken().get();
        if (header != null && header.startsWith("Basic ")) {
            // ksqlDB clients send Basic credentials: the token is the password, any user name.
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon >= 0 && authorized("Bearer " + decoded.substring(colon + 1).trim(), token);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return authorized(header, token);
    }

    private static void ksqlError(Context ctx, QueryException e, String statement) {
        if (ctx.res().isCommitted()) {
            return;
        }
        ctx.status(KsqlDbApi.status(e)).contentType("application/json").result(bytes(KsqlDbApi.error(e, statement)));
    }

    private static boolean authorized(String header, String token) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    private static void error(Context ctx, QueryException e) {
        if (ctx.res().isCommitted()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", e.status());
        body.put("error", e.getMessage());
        if (e.line() > 0) {
            body.put("line", e.line());
            body.put("column", e.column());
        }
        ctx.status(e.status()).contentType("application/json").result(bytes(body));
    }

    static byte[] bytes(Object value) {
        try {
            return PeerJson.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
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

    /** The request body as JSON; 400 when it is not, 413 when it is too large. */
    static JsonNode body(Context ctx) {
        byte[] bytes;
        try {
            bytes = ctx.bodyAsBytes();
        } catch (io.javalin.http.HttpResponseException e) {
            throw new QueryException(e.getStatus(), "the request body was refused: " + e.getMessage());
        }
        try {
            JsonNode body = PeerJson.MAPPER.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw QueryException.badRequest("the body must be a JSON object, e.g. {\"sql\": \"SELECT ...\"}");
            }
            return body;
        } catch (IOException e) {
            throw QueryException.badRequest("the body is not valid JSON (" + QueryException.firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + "); send {\"sql\": \"SELECT ...\"}");
        }
    }

    private static String sql(Context ctx, JsonNode body) {
        if (!body.path("sql").isTextual()) {
            throw QueryException.badRequest("the body must be JSON with a string field sql: {\"sql\": \"SELECT ...\"}");
        }
        String sql = body.get("sql").asText();
        ctx.attribute("statement", sql);
        return sql;
    }

    /** The values of a prepared statement's {@code ?} parameters: strings, numbers, booleans or nulls. */
    private static List<Object> parameters(JsonNode body) {
        JsonNode ps = body.path("parameters");
        if (ps.isMissingNode() || ps.isNull()) {
            return List.of();
        }
        if (!ps.isArray()) {
            throw QueryException.badRequest("parameters must be an array of values for the ? in the statement, in order");
        }
        List<Object> out = new ArrayList<>();
        for (JsonNode p : ps) {
            if (p.isTextual()) {
                out.add(p.asText());
            } else if (p.isIntegralNumber()) {
                out.add(p.longValue());
            } else if (p.isNumber()) {
                out.add(p.doubleValue());
            } else if (p.isBoolean()) {
                out.add(p.booleanValue());
            } else if (p.isNull()) {
                out.add(null);
            } else {
                throw QueryException.badRequest("parameter " + (out.size() + 1) + " is " + p.getNodeType() + ": parameters are strings, numbers, booleans or null");
            }
        }
        return out;
    }

    private void query(Context ctx) {
        JsonNode body = body(ctx);
        QueryResult r = engine.query(sql(ctx, body), parameters(body));
        AnswerJson.send(ctx, "application/json", AnswerJson.query(r, engine.limits().rowCap()));
    }

    /** ksqlDB's {@code /query-stream}: a pull query answered at once, or a push query streamed until closed. */
    private void ksqlQueryStream(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        String sql = sql(ctx, body);
        String cleaned = Statements.clean(sql);
        KsqlDbApi.requireQuery(cleaned);
        boolean json = accepts(ctx, "application/json") && !accepts(ctx, "application/vnd.ksqlapi.delimited.v1");
        String type = json ? "application/json" : "application/vnd.ksqlapi.delimited.v1";
        if (!Statements.isPush(cleaned)) {
            QueryResult r = engine.query(sql, parameters(body));
            AnswerJson.send(ctx, type, AnswerJson.ksqlPull("almanac_pull_" + pulls.incrementAndGet(), r, json));
            return;
        }
        PushQueries.Running running = pushes.start(sql);
        try (PushQuery query = PushQuery.prepare(engine, sql)) {
            BooleanSupplier gone = ClientPresence.prepare(ctx);
            ctx.status(200);
            ctx.res().setContentType(type);
            ctx.res().setHeader("Cache-Control", "no-cache");
            KsqlSink sink = new KsqlSink(ctx.res().getOutputStream(), json, running.id());
            try {
                changes.run(query, sink, () -> closing.get() || running.stop().get() || Thread.currentThread().isInterrupted() || gone.getAsBoolean());
            } catch (IOException clientGone) {
                // The client disconnected: one way a push query ends.
            } catch (Exception e) {
                QueryException q = QueryException.find(e);
                if (!sink.begun) {
                    throw q != null ? q : new QueryException(500, "push query failed: " + e.getMessage());
                }
                sink.error(q != null ? q : new QueryException(500, e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        } finally {
            pushes.end(running);
        }
    }

    /** ksqlDB's {@code /close-query} {"queryId": "..."}: ends a push query; its stream completes. */
    private void closeQuery(Context ctx) {
        JsonNode body = body(ctx);
        if (!body.path("queryId").isTextual()) {
            throw QueryException.badRequest("the body must be JSON with a string field queryId: {\"queryId\": \"...\"}");
        }
        String id = body.get("queryId").asText();
        if (!pushes.close(id)) {
            throw QueryException.badRequest("no push query with id " + id + " runs here");
        }
        ctx.status(200).result("");
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

    /** Almanac's own push stream (newline-delimited JSON with blank keep-alive lines), for {@code Accept: application/x-ndjson}. */
    private void queryStream(Context ctx) throws Exception {
        String sql = sql(ctx, body(ctx));
        PushQueries.Running running = pushes.start(sql);
        try (PushQuery query = PushQuery.prepare(engine, sql)) {
            BooleanSupplier gone = ClientPresence.prepare(ctx);
            ctx.status(200);
            ctx.res().setContentType("application/x-ndjson; charset=utf-8");
            ctx.res().setHeader("Cache-Control", "no-cache");
            NdjsonSink sink = new NdjsonSink(ctx.res().getOutputStream());
            try {
                changes.run(query, sink, () -> closing.get() || running.stop().get() || Thread.currentThread().isInterrupted() || gone.getAsBoolean());
            } catch (IOException clientGone) {
                // The client disconnected: that is how a push query without LIMIT ends.
            } catch (Exception e) {
                QueryException q = QueryException.find(e);
                sink.error(q != null ? q.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } finally {
            pushes.end(running);
        }
    }

    /**
     * Writes a push query as ksqlDB does: the header object, then one row array per change, each flushed
     * on its own (clients parse each chunk), either one per line or as the elements of one JSON array.
     * Delimited streams send no keep-alives (ksqlDB clients would choke on them); JSON arrays send a space.
     */
    private static final class KsqlSink implements ChangeStream.Sink {
        private final OutputStream out;
        private final boolean json;
        private final String queryId;
        boolean begun;

        KsqlSink(OutputStream out, boolean json, String queryId) {
            this.out = out;
            this.json = json;
            this.queryId = queryId;
        }

        private void write(String prefix, Object value, String suffix) throws IOException {
            out.write(prefix.getBytes(StandardCharsets.UTF_8));
            out.write(bytes(value));
            out.write(suffix.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void begin(List<QueryResult.ResultColumn> columns) throws IOException {
            begun = true;
            write(json ? "[" : "", KsqlDbApi.header(queryId, columns), json ? "" : "\n");
        }

        @Override
        public void row(List<Object> row) throws IOException {
            write(json ? ",\n" : "", row, json ? "" : "\n");
        }

        @Override
        public void heartbeat() throws IOException {
            if (json) {
                out.write(' ');
                out.flush();
            }
        }

        void error(QueryException e) {
            try {
                write(json ? ",\n" : "", KsqlDbApi.error(e, null), json ? "]" : "\n");
            } catch (IOException ignored) {
                // the client is gone as well
            }
        }

        @Override
        public void end(long rows, String reason) throws IOException {
            if (json) {
                out.write(']');
                out.flush();
            }
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
