package dev.almanac.ops;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Operator endpoints on the query API's server, next to the query routes:
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process and every application's stream threads are alive, also
 *       during rebalances and restores; 503 once an application failed or stopped (restart the process);</li>
 *   <li>{@code GET /health/ready}: 200 when every application runs and its stores answer; 503 otherwise
 *       (route no queries here);</li>
 *   <li>{@code GET /metrics}: Prometheus text; behind the bearer token when the API has one.</li>
 * </ul>
 * It also times every query request into {@code almanac_query_seconds{table,kind,outcome}}.
 */
public final class OpsRoutes {

    private static final String STARTED = "almanac.ops.started";
    private static final Pattern FROM = Pattern.compile("(?i)\\bFROM\\s+\"?([A-Za-z_][A-Za-z0-9_]*)");
    private static final Set<KafkaStreams.State> LIVE = EnumSet.of(KafkaStreams.State.CREATED, KafkaStreams.State.REBALANCING,
            KafkaStreams.State.RUNNING);

    private OpsRoutes() {
    }

    /**
     * @param states each application's state
     * @param queryable whether the tables answer reads now (every application running and its stores open)
     * @param tables the names of the queryable tables (bounds the {@code table} tag; anything else is "other")
     * @param apiToken the API's bearer token, required by {@code /metrics} when present
     */
    public static void register(Javalin app, OpsMetrics metrics, Supplier<Map<String, KafkaStreams.State>> states,
                                BooleanSupplier queryable, Supplier<Set<String>> tables, Optional<String> apiToken) {
        app.get("/health/live", ctx -> live(ctx, states.get()));
        app.get("/health/ready", ctx -> ready(ctx, states.get(), queryable));
        app.get("/metrics", ctx -> {
            if (apiToken.isPresent() && !authorized(ctx.header("Authorization"), apiToken.get())) {
                ctx.header("WWW-Authenticate", "Bearer");
                ctx.status(401).result("missing or wrong bearer token\n");
                return;
            }
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
        for (String path : new String[] {"/query", "/query-stream", "/internal/read"}) {
            app.before(path, ctx -> ctx.attribute(STARTED, System.nanoTime()));
            app.after(path, ctx -> {
                Long t0 = ctx.attribute(STARTED);
                if (t0 != null) {
                    metrics.recordQuery(table(ctx, tables.get()), kind(path), ctx.statusCode(), Duration.ofNanos(System.nanoTime() - t0));
                }
            });
        }
    }

    private static void live(Context ctx, Map<String, KafkaStreams.State> states) {
        boolean live = states.values().stream().allMatch(LIVE::contains);
        ctx.status(live ? 200 : 503).json(body("live", live, states));
    }

    private static void ready(Context ctx, Map<String, KafkaStreams.State> states, BooleanSupplier queryable) {
        boolean ready = states.values().stream().allMatch(s -> s == KafkaStreams.State.RUNNING) && queryable.getAsBoolean();
        ctx.status(ready ? 200 : 503).json(body("ready", ready, states));
    }

    private static Map<String, Object> body(String what, boolean value, Map<String, KafkaStreams.State> states) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(what, value);
        Map<String, String> named = new LinkedHashMap<>();
        states.forEach((a, s) -> named.put(a, s.name()));
        body.put("applications", named);
        return body;
    }

    private static String kind(String path) {
        return switch (path) {
            case "/query" -> "pull";
            case "/query-stream" -> "push";
            default -> "peer";
        };
    }

    /** The first table named after FROM when it is one of the API's tables; "other" otherwise (bounded tag values). */
    static String table(Context ctx, Set<String> tables) {
        String body;
        try {
            body = ctx.body();
        } catch (RuntimeException e) {
            return "other";
        }
        Matcher m = FROM.matcher(body);
        if (m.find()) {
            String t = m.group(1).toLowerCase(Locale.ROOT);
            if (tables.contains(t)) {
                return t;
            }
        }
        Matcher peer = Pattern.compile("\"table\"\\s*:\\s*\"([A-Za-z0-9_]+)\"").matcher(body);
        if (peer.find() && tables.contains(peer.group(1).toLowerCase(Locale.ROOT))) {
            return peer.group(1).toLowerCase(Locale.ROOT);
        }
        return "other";
    }

    private static boolean authorized(String header, String token) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
