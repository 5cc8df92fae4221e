package dev.almanac.registry;

import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.SchemaRegistry;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Almanac's own schema registry: the Confluent REST API subset ({@link RegistryHttpApi}) over schemas
 * kept in the compacted topic {@link TopicCatalogue#SCHEMAS_TOPIC} ({@link KafkaSchemaStore}). Serve it
 * on its own port ({@link #start(String, int)}) or mount it on an application's Javalin server
 * ({@link #mount}); either way {@link #client()} is the same registry in process, for the pipeline's
 * serdes, and {@link #url()} is what external clients (kafkajs, kcat, Kafka Connect) are given.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** How long store operations may wait on Kafka. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final SchemaStore store;
    private final StoredSchemaRegistry client;
    private final Javalin app;
    private final boolean ownsApp;
    private final String host;
    private final String basePath;

    private EmbeddedSchemaRegistry(SchemaStore store, Javalin app, boolean ownsApp, String host, String basePath) {
        this.store = store;
        this.client = new StoredSchemaRegistry(store);
        this.app = app;
        this.ownsApp = ownsApp;
        this.host = host;
        this.basePath = basePath;
    }

    /** Starts a registry on {@code port} of every interface (0: any free port), storing in {@code bootstrapServers}' cluster. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, int port) {
        return start(clientConfig(bootstrapServers), TopicCatalogue.SCHEMAS_TOPIC, "0.0.0.0", port, DEFAULT_TIMEOUT);
    }

    /**
     * Starts a registry on {@code host:port} over the schema topic {@code topic}.
     *
     * @param clientConfig Kafka client settings (bootstrap.servers, and security settings if any)
     */
    public static EmbeddedSchemaRegistry start(Map<String, Object> clientConfig, String topic, String host, int port, Duration timeout) {
        KafkaSchemaStore store = KafkaSchemaStore.open(topic, clientConfig, timeout);
        try {
            return serve(store, host, port);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Serves {@code store} on its own Javalin server at {@code host:port}; the registry closes the store. */
    public static EmbeddedSchemaRegistry serve(SchemaStore store, String host, int port) {
        Javalin app = Javalin.create(config -> config.showJavalinBanner = false);
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(store, app, true, host, "");
        RegistryHttpApi.mount(app, "", registry.client);
        // Confluent's registry answers {} on its root: tools use it as a liveness probe.
        app.get("/", ctx -> ctx.contentType("application/vnd.schemaregistry.v1+json").result("{}"));
        app.start(host, port);
        return registry;
    }

    /**
     * Adds the registry's routes under {@code basePath} (e.g. {@code "/registry"}, or "" for the root)
     * to an application's Javalin server, which the caller starts and stops. Clients then use
     * {@code http://host:port<basePath>} as the registry URL.
     */
    public static EmbeddedSchemaRegistry mount(Javalin app, String basePath, String bootstrapServers) {
        KafkaSchemaStore store = KafkaSchemaStore.open(TopicCatalogue.SCHEMAS_TOPIC, clientConfig(bootstrapServers), DEFAULT_TIMEOUT);
        return mount(app, basePath, store);
    }

    /** Mounts a registry over {@code store} on an application's Javalin server; the registry closes the store. */
    public static EmbeddedSchemaRegistry mount(Javalin app, String basePath, SchemaStore store) {
        String base = RegistryHttpApi.normalize(basePath);
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(store, app, false, "localhost", base);
        RegistryHttpApi.mount(app, base, registry.client);
        return registry;
    }

    private static Map<String, Object> clientConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /**
     * The registry's base URL for clients on this machine. For a mounted registry it is valid once the
     * application's server has started.
     */
    public String url() {
        String h = host == null || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        return "http://" + h + ":" + app.port() + basePath;
    }

    /** The port the HTTP server listens on. */
    public int port() {
        return app.port();
    }

    /** The registry in process: give it to {@code AvroSerdes} so the pipeline registers without an HTTP hop. */
    public SchemaRegistry client() {
        return client;
    }

    /** Stops the server (when the registry started it) and the schema topic's reader and writer. */
    @Override
    public void close() {
        try {
            if (ownsApp) {
                app.stop();
            }
        } finally {
            store.close();
        }
    }
}
