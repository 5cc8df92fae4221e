package dev.almanac.runtime;

import dev.almanac.kafka.ClusterAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the runtime needs, parsed once from the command line and environment. Code below the CLI
 * takes this record, never raw {@code Properties}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param applicationId Kafka Streams application id (also the consumer group and internal-topic prefix)
 * @param topicPrefix prefix of every Almanac topic name
 * @param exactlyOnce exactly_once_v2 when true, at_least_once otherwise
 * @param stateDir where Kafka Streams keeps local state
 * @param partitions partitions for topics Almanac creates
 * @param replicationFactor replication factor for topics Almanac creates
 * @param standbyReplicas num.standby.replicas
 * @param schemaRegistryUrl an external Confluent-compatible registry; empty means the embedded one
 * @param commitInterval Kafka Streams commit interval
 * @param queryApi the HTTP query API (port, advertised host, token, limits)
 * @param kafkaClientSettings Kafka client properties for every client ({@code --kafka-config}: security, SASL, TLS)
 * @param streamsSettings Kafka Streams properties passed through to both applications ({@code num.stream.threads},
 *                        {@code statestore.cache.max.bytes}, ...), applied after Almanac's own
 */
public record AlmanacConfig(String bootstrapServers, String applicationId, String topicPrefix, boolean exactlyOnce,
                            Path stateDir, int partitions, short replicationFactor, int standbyReplicas,
                            Optional<String> schemaRegistryUrl, Duration commitInterval, QueryApiConfig queryApi,
                            Map<String, String> kafkaClientSettings, Map<String, String> streamsSettings) {

    public AlmanacConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(queryApi, "queryApi");
        kafkaClientSettings = Map.copyOf(kafkaClientSettings);
        streamsSettings = Map.copyOf(streamsSettings);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1");
        }
    }

    /** Without client or Streams settings (plaintext cluster, Almanac's Streams settings only). */
    public AlmanacConfig(String bootstrapServers, String applicationId, String topicPrefix, boolean exactlyOnce,
                         Path stateDir, int partitions, short replicationFactor, int standbyReplicas,
                         Optional<String> schemaRegistryUrl, Duration commitInterval, QueryApiConfig queryApi) {
        this(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor, standbyReplicas,
                schemaRegistryUrl, commitInterval, queryApi, Map.of(), Map.of());
    }

    /** How every Kafka client of this configuration reaches the cluster. */
    public ClusterAccess kafka() {
        return new ClusterAccess(bootstrapServers, kafkaClientSettings);
    }

    public AlmanacConfig withKafkaClientSettings(Map<String, String> settings) {
        return with(c -> c.kafkaClientSettings = settings);
    }

    public AlmanacConfig withStreamsSettings(Map<String, String> settings) {
        return with(c -> c.streamsSettings = settings);
    }

    /** Defaults for a given cluster: application and topic prefix {@code almanac}, exactly-once, 4 partitions. */
    public static AlmanacConfig defaults(String bootstrapServers, Path stateDir) {
        return new AlmanacConfig(bootstrapServers, "almanac", "almanac", true, stateDir, 4, (short) 1, 0,
                Optional.empty(), Duration.ofMillis(100), QueryApiConfig.defaults());
    }

    public AlmanacConfig withApplicationId(String id) {
        return with(c -> c.applicationId = id);
    }

    public AlmanacConfig withTopicPrefix(String prefix) {
        return with(c -> c.topicPrefix = prefix);
    }

    AlmanacConfig withExactlyOnce(boolean eos) {
        return with(c -> c.exactlyOnce = eos);
    }

    public AlmanacConfig withStateDir(Path dir) {
        return with(c -> c.stateDir = dir);
    }

    public AlmanacConfig withPartitions(int n) {
        return with(c -> c.partitions = n);
    }

    public AlmanacConfig withStandbyReplicas(int n) {
        return with(c -> c.standbyReplicas = n);
    }

    AlmanacConfig withSchemaRegistryUrl(Optional<String> url) {
        return with(c -> c.schemaRegistryUrl = url);
    }

    public AlmanacConfig withQueryApi(QueryApiConfig api) {
        return with(c -> c.queryApi = api);
    }

    /** This configuration with the fields {@code change} sets: each wither names one field, not all thirteen. */
    private AlmanacConfig with(Consumer<Fields> change) {
        Fields c = new Fields(this);
        change.accept(c);
        return new AlmanacConfig(c.bootstrapServers, c.applicationId, c.topicPrefix, c.exactlyOnce, c.stateDir, c.partitions,
                c.replicationFactor, c.standbyReplicas, c.schemaRegistryUrl, c.commitInterval, c.queryApi, c.kafkaClientSettings,
                c.streamsSettings);
    }

    /** A mutable copy of the fields, only inside {@link #with}. */
    private static final class Fields {
        String bootstrapServers;
        String applicationId;
        String topicPrefix;
        boolean exactlyOnce;
        Path stateDir;
        int partitions;
        short replicationFactor;
        int standbyReplicas;
        Optional<String> schemaRegistryUrl;
        Duration commitInterval;
        QueryApiConfig queryApi;
        Map<String, String> kafkaClientSettings;
        Map<String, String> streamsSettings;

        Fields(AlmanacConfig c) {
            bootstrapServers = c.bootstrapServers;
            applicationId = c.applicationId;
            topicPrefix = c.topicPrefix;
            exactlyOnce = c.exactlyOnce;
            stateDir = c.stateDir;
            partitions = c.partitions;
            replicationFactor = c.replicationFactor;
            standbyReplicas = c.standbyReplicas;
            schemaRegistryUrl = c.schemaRegistryUrl;
            commitInterval = c.commitInterval;
            queryApi = c.queryApi;
            kafkaClientSettings = c.kafkaClientSettings;
            streamsSettings = c.streamsSettings;
        }
    }
}
