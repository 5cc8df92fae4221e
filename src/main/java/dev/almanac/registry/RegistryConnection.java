package dev.almanac.registry;

import dev.almanac.kafka.ClusterAccess;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.HttpSchemaRegistryClient;
import dev.almanac.serde.SchemaRegistry;
import io.javalin.util.JavalinBindException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The schema registry a running Almanac uses: an external Confluent-compatible one when a URL is given
 * ({@code --schema-registry-url}), otherwise the embedded one, served over HTTP for other clients and
 * used in process by the pipeline. What the runtime calls; it does not care which of the two it got.
 */
public final class RegistryConnection implements AutoCloseable {

    /** The port Confluent's registry listens on by convention, and the embedded one's default. */
    public static final int DEFAULT_PORT = 8081;

    private final SchemaRegistry client;
    private final String url;
    private final EmbeddedSchemaRegistry embedded;
    private final String note;

    private RegistryConnection(SchemaRegistry client, String url, EmbeddedSchemaRegistry embedded, String note) {
        this.client = client;
        this.url = url;
        this.embedded = embedded;
        this.note = note;
    }

    /**
     * Connects to {@code externalUrl} when present, else starts the embedded registry on
     * {@code bootstrapServers}' cluster, serving HTTP on {@code port} of {@code host}
     * ({@code 0.0.0.0}: every interface; {@code 127.0.0.1}: this machine only).
     *
     * @param fallBackToFreePort when {@code port} is taken, serve on a free port instead of failing
     *                           (for a defaulted port; an explicitly chosen one should fail)
     * @throws IllegalArgumentException for a malformed URL or a taken port, with a one-line reason
     */
    public static RegistryConnection open(Optional<String> externalUrl, String bootstrapServers, String host, int port,
                                          boolean fallBackToFreePort) {
        return open(externalUrl, ClusterAccess.of(bootstrapServers), host, port, fallBackToFreePort);
    }

    /** As {@link #open(Optional, String, String, int, boolean)}, the store's clients using the operator's settings. */
    public static RegistryConnection open(Optional<String> externalUrl, ClusterAccess cluster, String host, int port,
                                          boolean fallBackToFreePort) {
        if (externalUrl.isPresent()) {
            HttpSchemaRegistryClient.parse(externalUrl.get());
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(externalUrl.get());
            return new RegistryConnection(client, client.url(), null, "external");
        }
        Map<String, Object> config = cluster.map();
        EmbeddedSchemaRegistry registry;
        String note = "embedded, schemas in topic " + TopicCatalogue.SCHEMAS_TOPIC;
        try {
            registry = EmbeddedSchemaRegistry.start(config, TopicCatalogue.SCHEMAS_TOPIC, host, port, EmbeddedSchemaRegistry.DEFAULT_TIMEOUT);
        } catch (JavalinBindException e) {
            if (!fallBackToFreePort) {
                throw new IllegalArgumentException("cannot serve the schema registry on port " + port + ": it is in use");
            }
            registry = EmbeddedSchemaRegistry.start(config, TopicCatalogue.SCHEMAS_TOPIC, host, 0, EmbeddedSchemaRegistry.DEFAULT_TIMEOUT);
            note += "; port " + port + " was in use";
        }
        return new RegistryConnection(registry.client(), registry.url(), registry, note);
    }

    /** The registry for the pipeline's serdes: in process when embedded. */
    public SchemaRegistry client() {
        return client;
    }

    /** The URL other clients use. */
    public String url() {
        return url;
    }

    /** Whether this is Almanac's own registry. */
    boolean embedded() {
        return embedded != null;
    }

    /** One line for the console: the URL and where the schemas live. */
    public String describe() {
        return url + " (" + note + ")";
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
