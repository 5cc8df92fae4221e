package dev.almanac.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How every Kafka client Almanac creates reaches the cluster: the bootstrap servers and the operator's client
 * settings ({@code --kafka-config}: security protocol, SASL, TLS, timeouts), applied to producers, consumers, admin
 * clients, Kafka Streams and the embedded registry's store alike, like Kafka's own {@code --command-config}.
 *
 * @param bootstrapServers the cluster's bootstrap servers; wins over a {@code bootstrap.servers} in the settings
 * @param clientSettings Kafka client properties applied to every client (empty: plaintext, defaults)
 */
public record ClusterAccess(String bootstrapServers, Map<String, String> clientSettings) {

    /** Settings whose values are secrets: never printed. */
    private static final String[] SECRET_MARKERS = {"password", "jaas.config", "secret", "token", "key"};

    public ClusterAccess {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        clientSettings = Map.copyOf(clientSettings);
    }

    /** A plaintext cluster with default client settings. */
    public static ClusterAccess of(String bootstrapServers) {
        return new ClusterAccess(bootstrapServers, Map.of());
    }

    /** New client properties: the settings, then {@code bootstrap.servers}. Callers add their own client's settings. */
    public Properties properties() {
        Properties p = new Properties();
        p.putAll(clientSettings);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** The same as {@link #properties()}, as a map (the registry's store takes one). */
    public Map<String, Object> map() {
        Map<String, Object> m = new HashMap<>(clientSettings);
        m.put("bootstrap.servers", bootstrapServers);
        return m;
    }

    /** Adds the settings to {@code p} without overriding what is already there, and sets bootstrap servers. */
    Properties applyTo(Properties p) {
        clientSettings.forEach(p::putIfAbsent);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        clientSettings.forEach((k, v) -> shown.put(k, secret(k) ? "(hidden)" : v));
        return bootstrapServers + (shown.isEmpty() ? "" : " " + shown);
    }

    private static boolean secret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        for (String m : SECRET_MARKERS) {
            if (k.contains(m) && !k.endsWith(".type") && !k.endsWith(".location") && !k.endsWith(".mechanism")) {
                return true;
            }
        }
        return false;
    }
}
