package dev.almanac.runtime;

import dev.almanac.query.ChangeStream;
import dev.almanac.query.http.HttpPeerClient;
import dev.almanac.query.http.QueryServer;
import dev.almanac.query.ClusterRouter;
import dev.almanac.query.LocalPartitionReader;
import dev.almanac.query.QueryTables;
import dev.almanac.query.Router;
import dev.almanac.query.TableDef;
import dev.almanac.query.SqlEngine;
import dev.almanac.query.StreamsLocalStores;
import dev.almanac.query.TableRegistry;
import dev.almanac.ops.OpsMetrics;
import dev.almanac.ops.OpsRoutes;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The query side of one running instance: the SQL engine over the pipeline's stores, routing across
 * the application's instances, and the HTTP API, on its own server or on a shared Javalin. Start it
 * right after constructing the {@link Pipeline} (its config fixes {@code application.server}); it
 * answers 503 until the streams run.
 */
public final class QueryNode implements AutoCloseable {

    private final QueryApiConfig api;
    private final SqlEngine engine;
    private final List<ClusterRouter> routers;
    private final QueryServer server;
    private final Admin admin;

    private QueryNode(QueryApiConfig api, SqlEngine engine, List<ClusterRouter> routers, QueryServer server, Admin admin) {
        this.api = api;
        this.engine = engine;
        this.routers = routers;
        this.server = server;
        this.admin = admin;
    }

    /** Builds the query side and serves it on a server of its own at the configured port. */
    public static QueryNode start(Pipeline pipeline) {
        return start(pipeline, new OpsMetrics(), app -> { });
    }

    /**
     * Like {@link #start(Pipeline)}, with the routes that {@code more} adds on the same server (the
     * dashboard lives in a package above this one, so the caller plugs it in).
     */
    public static QueryNode start(Pipeline pipeline, java.util.function.Consumer<Javalin> more) {
        return start(pipeline, new OpsMetrics(), more);
    }

    /** Builds the query side and serves it with the operator endpoints and {@code metrics} (see below). */
    public static QueryNode start(Pipeline pipeline, OpsMetrics metrics) {
        return start(pipeline, metrics, app -> { });
    }

    /**
     * Builds the query side and serves it, with the operator endpoints ({@code /health/live}, {@code /health/ready},
     * {@code /metrics} from {@code metrics}, which then also covers the pipeline's applications) and the routes
     * {@code more} adds, on the same server.
     */
    public static QueryNode start(Pipeline pipeline, OpsMetrics metrics, java.util.function.Consumer<Javalin> more) {
        QueryNode node = create(pipeline);
        metrics.bindStreams("foundation", pipeline.streams());
        metrics.bindStreams("derived", pipeline.derivedStreams());
        metrics.bindValidation(pipeline::validationCounts);
        java.util.Set<String> tables = new java.util.TreeSet<>();
        node.engine.describe().forEach(t -> tables.add(String.valueOf(t.get("name")).toLowerCase(java.util.Locale.ROOT)));
        try {
            node.server.start(node.api.bindHost(), node.api.httpPort(), app -> {
                OpsRoutes.register(app, metrics, () -> states(pipeline), () -> queryable(pipeline), () -> tables, node.api.apiToken());
                more.accept(app);
            });
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** Builds the query side and adds its routes to a Javalin shared with other servers (not started here). */
    static QueryNode attach(Pipeline pipeline, Javalin app) {
        QueryNode node = create(pipeline);
        node.server.routes(app);
        return node;
    }

    private static QueryNode create(Pipeline pipeline) {
        AlmanacConfig config = pipeline.config();
        QueryApiConfig api = config.queryApi();
        if (api.httpPort() == 0) {
            throw new IllegalArgumentException("resolve the HTTP port before building the pipeline: application.server needs it");
        }
        String derivedId = Pipeline.derivedApplicationId(config);
        TableRegistry tables = QueryTables.withDerived(pipeline.topics(), pipeline.definitions(), pipeline.derivedTopology(), derivedId);
        String instance = api.applicationServer();
        LocalPartitionReader local = new LocalPartitionReader(Map.of(
                TableDef.Application.FOUNDATION, new StreamsLocalStores(pipeline.streams(), config.applicationId(), instance),
                TableDef.Application.DERIVED, new StreamsLocalStores(pipeline.derivedStreams(), derivedId, instance)), tables);
        Admin admin = TopicAdmin.admin(config.kafka());
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        HostInfo self = new HostInfo(api.advertisedHost(), api.httpPort());
        HttpPeerClient peers = new HttpPeerClient(tables, api.apiToken());
        ClusterRouter foundation = new ClusterRouter(pipeline.streams(), self, local, peers,
                topic -> counts.computeIfAbsent(topic, t -> partitions(admin, t)));
        ClusterRouter derived = new ClusterRouter(pipeline.derivedStreams(), self, local, peers,
                topic -> counts.computeIfAbsent(topic, t -> partitions(admin, t)));
        Router router = (table, request) -> (table.application() == TableDef.Application.DERIVED ? derived : foundation).read(table, request);
        // Queries run on as many threads as there are cores (at least 2): more would only queue on the CPU and
        // take it from the stream threads; fewer would leave a core idle while one query waits for a store.
        int queryThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        SqlEngine engine = new SqlEngine(tables, router, new SqlEngine.Limits(api.rowCap(), api.queryTimeout(), queryThreads));
        engine.warmUp();
        QueryServer server = new QueryServer(engine, local,
                new ChangeStream(config.kafka(), Duration.ofSeconds(5), api.queryTimeout()),
                () -> states(pipeline),
                new QueryServer.Options(api.apiToken(), 32, Duration.ofSeconds(5), config.applicationId()));
        return new QueryNode(api, engine, List.of(foundation, derived), server, admin);
    }

    /** Whether the tables answer reads now: both applications run and the foundation's stores open. */
    static boolean queryable(Pipeline pipeline) {
        if (pipeline.streams().state() != KafkaStreams.State.RUNNING || pipeline.derivedStreams().state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        try {
            pipeline.validationCounts();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The state of each application the API reads from. */
    public static Map<String, KafkaStreams.State> states(Pipeline pipeline) {
        Map<String, KafkaStreams.State> states = new LinkedHashMap<>();
        states.put("foundation", pipeline.streams().state());
        states.put("derived", pipeline.derivedStreams().state());
        return states;
    }

    private static int partitions(Admin admin, String topic) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return d.partitions().size();
        } catch (Exception e) {
            throw new dev.almanac.query.QueryException(503, "cannot describe topic " + topic + ": " + e.getMessage());
        }
    }

    public SqlEngine engine() {
        return engine;
    }

    /** The API's base URL (advertised host and port). */
    public String url() {
        return api.url();
    }

    @Override
    public void close() {
        server.close();
        engine.close();
        routers.forEach(ClusterRouter::close);
        admin.close(Duration.ofSeconds(1)); // only metadata look-ups: nothing to finish
    }
}
