package dev.almanac.web;

import dev.almanac.avro.RegistrationMonth;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.kafka.TableReader;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The browser dashboard at {@code /}: a single page (HTML, JavaScript, CSS and Apache ECharts, all read
 * from the jar, nothing from the network) that reads the tables through the query API's own
 * {@code POST /query} and {@code POST /query-stream}, plus two read-only endpoints:
 * {@code GET /dashboard/status} (application states, validation counts, consumer lag: not in SQL) and
 * {@code GET /dashboard/registrations/monthly} (the monthly registration counts of every registrations
 * table, read from their compacted topics; SQL serves them too, as {@code <name>_monthly}). Both need the
 * API token when one is set; the page itself does not (it holds no data, and it is where the token is typed in).
 */
public final class Dashboard {

    private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

    private final Optional<String> apiToken;
    private final Supplier<Map<String, Object>> status;
    private final Supplier<List<Map<String, Object>>> monthlyRegistrations;
    private final Map<String, Asset> assets = new LinkedHashMap<>();

    private record Asset(byte[] bytes, String contentType, String cacheControl) {
    }

    /**
     * @param apiToken bearer token of the query API; empty for none
     * @param status what the overview shows about the running applications
     * @param monthlyRegistrations rows {region, month, count} of the monthly registration counts
     */
    public Dashboard(Optional<String> apiToken, Supplier<Map<String, Object>> status,
                     Supplier<List<Map<String, Object>>> monthlyRegistrations) {
        this.apiToken = apiToken;
        this.status = status;
        this.monthlyRegistrations = monthlyRegistrations;
        // Read once at start: a jar without its page fails here, not on a user's first visit.
        assets.put("/", new Asset(resource("web/index.html"), "text/html; charset=utf-8", "no-cache"));
        assets.put("/ui/app.js", new Asset(resource("web/app.js"), "text/javascript; charset=utf-8", "no-cache"));
        assets.put("/ui/app.css", new Asset(resource("web/app.css"), "text/css; charset=utf-8", "no-cache"));
        assets.put("/ui/echarts.min.js", new Asset(resource(echartsPath()), "text/javascript; charset=utf-8", "max-age=86400"));
    }

    /** The dashboard of a running pipeline: its token, its applications and its registration topics. */
    public static Dashboard of(Pipeline pipeline) {
        return new Dashboard(pipeline.config().queryApi().apiToken(), () -> status(pipeline), () -> monthly(pipeline));
    }

    /** Adds the page, its files and its two endpoints to {@code app}. */
    public void routes(Javalin app) {
        assets.forEach((path, asset) -> app.get(path, ctx -> ctx.contentType(asset.contentType())
                .header("Cache-Control", asset.cacheControl()).result(asset.bytes())));
        app.get("/dashboard/status", guarded(ctx -> ctx.json(status.get())));
        app.get("/dashboard/registrations/monthly", guarded(ctx -> ctx.json(Map.of("rows", monthlyRegistrations.get()))));
    }

    private Handler guarded(Handler handler) {
        return ctx -> {
            if (apiToken.isPresent() && !authorized(ctx, apiToken.get())) {
                ctx.header("WWW-Authenticate", "Bearer");
                ctx.status(401).json(Map.of("status", 401, "error", "missing or wrong bearer token (Authorization: Bearer <token>)"));
                return;
            }
            handler.handle(ctx);
        };
    }

    private static boolean authorized(Context ctx, String token) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, Object> status(Pipeline pipeline) {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, String> apps = new LinkedHashMap<>();
        Map<String, KafkaStreams.State> states = QueryNode.states(pipeline);
        states.forEach((name, s) -> apps.put(name, s.name()));
        body.put("ready", states.values().stream().allMatch(s -> s == KafkaStreams.State.RUNNING));
        body.put("applications", apps);
        body.put("instance", pipeline.config().queryApi().applicationServer());
        body.put("exactly_once", pipeline.config().exactlyOnce());
        try {
            ValidationCounts counts = pipeline.validationCounts();
            body.put("read", counts.read());
            body.put("accepted", counts.accepted());
            body.put("rejected", counts.rejected());
            body.put("rejected_by_reason", counts.rejectedByReason());
        } catch (RuntimeException e) {
            // The counters' store is not queryable while the foundation restores or rebalances.
            body.put("counts_unavailable", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        body.put("lag", Map.of("foundation", lag(pipeline.streams()), "derived", lag(pipeline.derivedStreams())));
        return body;
    }

    /** Records the application's main consumers have yet to read, summed over their partitions (NaN ones skipped). */
    private static long lag(KafkaStreams streams) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals("records-lag") && n.group().equals("consumer-fetch-manager-metrics")
                    && n.tags().containsKey("partition") && !n.tags().getOrDefault("client-id", "").contains("restore")) {
                Object v = e.getValue().metricValue();
                if (v instanceof Number d && !Double.isNaN(d.doubleValue())) {
                    sum += d.doubleValue();
                }
            }
        }
        return Math.round(sum);
    }

    static List<Map<String, Object>> monthly(Pipeline pipeline) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TableDefinition.Registrations d : pipeline.definitions().tables(TableDefinition.Registrations.class)) {
            var topic = RegistrationTopology.topics(pipeline.topics(), d).monthly();
            TableReader.read(pipeline.config().bootstrapServers(), topic, Duration.ofSeconds(20)).values().stream()
                    .sorted(Comparator.comparing(RegistrationMonth::getRegion).thenComparing(RegistrationMonth::getMonth))
                    .forEach(m -> {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("table", d.name());
                        row.put("region", m.getRegion());
                        row.put("month", m.getMonth());
                        row.put("count", m.getCount());
                        rows.add(row);
                    });
        }
        return rows;
    }

    private static String echartsPath() {
        Properties p = new Properties();
        try (InputStream in = open(ECHARTS_POM)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "META-INF/resources/webjars/echarts/" + p.getProperty("version") + "/dist/echarts.min.js";
    }

    private static byte[] resource(String path) {
        try (InputStream in = open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String path) {
        InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("the dashboard's resource " + path + " is missing from the class path");
        }
        return in;
    }
}
