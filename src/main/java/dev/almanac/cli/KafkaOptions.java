package dev.almanac.cli;

import dev.almanac.app.AlmanacConfig;
import dev.almanac.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to Kafka. Environment variables are the fallback. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (env ALMANAC_BOOTSTRAP_SERVERS; default: the running embedded broker of './almanac demo').")
    String bootstrapServers;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:ALMANAC_TOPIC_PREFIX:-almanac}",
            description = "Prefix of all topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = "${env:ALMANAC_APPLICATION_ID:-almanac}",
            description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (default: <home>/state).")
    Path stateDir;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4", description = "Partitions of topics Almanac creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1", description = "Replication factor of topics Almanac creates (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--at-least-once", description = "Use at_least_once instead of the default exactly_once_v2.")
    boolean atLeastOnce;

    @Option(names = "--standby-replicas", paramLabel = "N", defaultValue = "0", description = "num.standby.replicas (default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--schema-registry-url", paramLabel = "URL", defaultValue = "${env:ALMANAC_SCHEMA_REGISTRY_URL}",
            description = "External Confluent-compatible schema registry (default: embedded).")
    String schemaRegistryUrl;

    /** The bootstrap servers given, or the embedded broker's recorded address. */
    String resolveBootstrap() {
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            return bootstrapServers;
        }
        String env = System.getenv("ALMANAC_BOOTSTRAP_SERVERS");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return EmbeddedBroker.recordedAddress(Home.brokerDir()).orElseThrow(() -> new UserException(
                "no --bootstrap-servers given and no embedded broker is running (start one with './almanac demo')", Main.USAGE));
    }

    AlmanacConfig config(String bootstrap) {
        if (partitions < 1) {
            throw new UserException("--partitions must be at least 1", Main.USAGE);
        }
        if (replicationFactor < 1) {
            throw new UserException("--replication-factor must be at least 1", Main.USAGE);
        }
        return new AlmanacConfig(bootstrap, applicationId, topicPrefix, !atLeastOnce,
                stateDir != null ? stateDir : Home.stateDir(), partitions, replicationFactor, standbyReplicas,
                Optional.ofNullable(schemaRegistryUrl).filter(s -> !s.isBlank()), Duration.ofMillis(100),
                dev.almanac.app.QueryApiConfig.defaults());
    }
}
