package dev.almanac.runtime;

import java.nio.file.Path;
import java.time.Duration;
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
 */
public record AlmanacConfig(String bootstrapServers, String applicationId, String topicPrefix, boolean exactlyOnce,
                            Path stateDir, int partitions, short replicationFactor, int standbyReplicas,
                            Optional<String> schemaRegistryUrl, Duration commitInterval, QueryApiConfig queryApi) {

    public AlmanacConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(queryApi, "queryApi");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1");
        }
    }

    /** Defaults for a given cluster: application and topic prefix {@code almanac}, exactly-once, 4 partitions. */
    public static AlmanacConfig defaults(String bootstrapServers, Path stateDir) {
        return new AlmanacConfig(bootstrapServers, "almanac", "almanac", true, stateDir, 4, (short) 1, 0,
                Optional.empty(), Duration.ofMillis(100), QueryApiConfig.defaults());
    }

    public AlmanacConfig withApplicationId(String id) {
        return new AlmanacConfig(bootstrapServers, id, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi);
    }

    public AlmanacConfig withTopicPrefix(String prefix) {
        return new AlmanacConfig(bootstrapServers, applicationId, prefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi);
    }

    public AlmanacConfig withExactlyOnce(boolean eos) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, eos, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi);
    }

    public AlmanacConfig withStateDir(Path dir) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, dir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi);
    }

    public AlmanacConfig withPartitions(int n) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, n, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, queryApi);
    }

    public AlmanacConfig withStandbyReplicas(int n) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                n, schemaRegistryUrl, commitInterval, queryApi);
    }

    public AlmanacConfig withSchemaRegistryUrl(Optional<String> url) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, url, commitInterval, queryApi);
    }

    public AlmanacConfig withQueryApi(QueryApiConfig api) {
        return new AlmanacConfig(bootstrapServers, applicationId, topicPrefix, exactlyOnce, stateDir, partitions, replicationFactor,
                standbyReplicas, schemaRegistryUrl, commitInterval, api);
    }
}
