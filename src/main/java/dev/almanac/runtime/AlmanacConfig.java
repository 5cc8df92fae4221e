package dev.almanac.runtime;

import dev.almanac.kafka.ClusterAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi, settings, streamsSettings);
    }

    public AlmanacConfig withStreamsSettings(Map<String, String> settings) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi, kafkaClientSettings, settings);
    }

    /** Defaults for a given cluster: application and topic prefix {@code almanac}, exactly-once, 4 partitions. */
    public static AlmanacConfig defaults(String bootstrapServers, Path stateDir) {
        return new AlmanacConfig(bootstrapServers, "almanac", "almanac", true, stateDir, 4, (short) 1, 0,
                Optional.empty(), Duration.ofMillis(100), QueryApiConfig.defaults());
    }

    public AlmanacConfig withApplicationId(String id) {
        return new AlmanacConfig(bootstrapServers, id, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi, kafkaClientSettings, streamsSettings);
    }

    public AlmanacConfig withTopicPrefix(String prefix) {
        return new AlmanacConfig(bootstrapServers, applicationId, prefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi, kafkaClientSettings, streamsSettings);
    }

    public AlmanacConfig withExactlyOnce(boolean eos) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, eos, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi, kafkaClientSettings, streamsSettings);
    }

    public AlmanacConfig withStateDir(Path dir) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, dir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi, kafkaClientSettings, streamsSettings);
    }

    public AlmanacConfig withPartitions(int n) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, n, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi, kafkaClientSettings, streamsSettings);
    }

    public AlmanacConfig withStandbyReplicas(int n) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                n, schemaRegistryUrl, commitInterval, queryApi, kafkaClientSettings, streamsSettings);
    }

    public AlmanacConfig withSchemaRegistryUrl(Optional<String> url) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, url, commitInterval, queryApi, kafkaClientSettings, streamsSettings);
    }

    public AlmanacConfig withQueryApi(QueryApiConfig api) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, api, kafkaClientSettings, streamsSettings);
    }
}
