package dev.almanac.cli;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.registry.RegistryConnection;
import dev.almanac.serde.HttpSchemaRegistryClient;
import dev.almanac.serde.SchemaRegistryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import dev.almanac.kafka.ClusterAccess;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to Kafka. Environment variables are the fallback. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (env ALMANAC_BOOTSTRAP_SERVERS; default: the running embedded broker of './almanac demo').")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...) applied to every Kafka client "
                    + "Almanac creates, like Kafka's --command-config (env ALMANAC_KAFKA_CONFIG).")
    Path kafkaConfig;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (Java properties): keys are long option names without dashes (http-port=8088), "
                    + "streams.<setting> passes a Kafka Streams setting through. Flags win over ALMANAC_<OPTION> environment "
                    + "variables, which win over the file (env ALMANAC_CONFIG).")
    Path configFile;

    @Option(names = "--streams-setting", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams setting for both applications, e.g. num.stream.threads=2 or statestore.cache.max.bytes=0; "
                    + "repeatable; wins over streams.<KEY> in the --config file.")
    Map<String, String> streamsSettings;

    @Option(names = "--definitions", paramLabel = "FILE",
            description = "Derived-table definitions (a derived.yaml of your own; default: the bundled topologies/derived.yaml). "
                    + "run, demo, reset and rebuild must be given the same file.")
    Path definitionsFile;

    /** The derived-table definitions: --definitions FILE, else the bundled ones. Errors name file and line; exit 2. */
    public dev.almanac.derived.definition.DerivedDefinitions definitions() {
        if (definitionsFile == null || definitionsFile.toString().isBlank()) {
            return dev.almanac.derived.definition.DerivedDefinitions.bundled();
        }
        if (!java.nio.file.Files.isRegularFile(definitionsFile)) {
            throw new UserException("--definitions " + definitionsFile + ": no such file", Main.USAGE);
        }
        dev.almanac.derived.definition.DerivedDefinitions loaded;
        try {
            loaded = dev.almanac.derived.definition.DerivedDefinitions.load(definitionsFile);
        } catch (RuntimeException e) { // a definition error (file and line) or an unreadable file
            throw new UserException(e.getMessage(), Main.USAGE);
        }
        java.io.PrintWriter err = mixee == null ? new java.io.PrintWriter(System.err, true) : mixee.commandLine().getErr();
        loaded.notes().forEach(n -> err.println("warning: " + n));
        err.flush();
        return loaded;
    }

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    /** Kafka Streams settings passed through: the --config file's streams.* keys, then --streams-setting flags. */
    Map<String, String> streamsSettings() {
        Map<String, String> all = new java.util.TreeMap<>();
        if (mixee != null && mixee.defaultValueProvider() instanceof Settings s) {
            all.putAll(s.streams());
        }
        if (streamsSettings != null) {
            streamsSettings.forEach((k, v) -> {
                if (!Settings.knownStreamsSetting(k)) {
                    throw new UserException("--streams-setting " + k + ": not a Kafka Streams setting", Main.USAGE);
                }
                all.put(k, v);
            });
        }
        return all;
    }

    /** The --bootstrap-servers value, or null when none was given. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "almanac",
            description = "Prefix of all topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = "almanac",
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

    // 300 ms rather than Kafka Streams' 100 ms exactly-once default: each commit is a transaction (markers on
    // every partition written, a flush of every cache). Not longer either: a record reaches the derived tables
    // through up to four committed hops (valid, latest, the shares' request and response topics), each waiting for a commit,
    // and with 1 s the full pipeline ran about 14 % slower than with 300 ms in alternating runs of
    // ./almanac bench (docs/performance.md).
    @Option(names = "--commit-interval-ms", paramLabel = "MS", defaultValue = "300",
            description = "Kafka Streams commit.interval.ms: how often results become visible under exactly-once (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--standby-replicas", paramLabel = "N", defaultValue = "0", description = "num.standby.replicas (default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--schema-registry-url", paramLabel = "URL", 
            description = "External Confluent-compatible schema registry: Confluent Schema Registry, Karapace, Apicurio's "
                    + "/apis/ccompat/v7 (default: the embedded registry, schemas in topic _almanac_schemas).")
    String schemaRegistryUrl;

    @Option(names = "--schema-registry-port", paramLabel = "PORT", 
            description = "HTTP port of the embedded schema registry (default: 8081, or a free port when 8081 is taken; 0: any free port).")
    Integer schemaRegistryPort;

    /**
     * The schema registry for this configuration: the external one, or the embedded one started on the
     * cluster, listening on every interface or, with {@code loopbackOnly}, on this machine only.
     */
    RegistryConnection openRegistry(AlmanacConfig config, boolean loopbackOnly) {
        int port = schemaRegistryPort == null ? RegistryConnection.DEFAULT_PORT : schemaRegistryPort;
        try {
            return RegistryConnection.open(config.schemaRegistryUrl(), config.kafka(),
                    loopbackOnly ? "127.0.0.1" : "0.0.0.0", port, schemaRegistryPort == null);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), Main.USAGE);
        } catch (SchemaRegistryException e) {
            String refusal = Main.kafkaRefusal(e);
            if (refusal != null) {
                throw new UserException(refusal);
            }
            throw new UserException("cannot start the embedded schema registry on " + config.bootstrapServers() + ": " + e.getMessage());
        }
    }

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

    /** The --kafka-config file's settings (empty without one), read once. */
    Map<String, String> clientSettings() {
        if (clientSettings == null) {
            clientSettings = kafkaConfig == null || kafkaConfig.toString().isBlank() ? Map.of() : KafkaClientFile.read(kafkaConfig);
        }
        return clientSettings;
    }

    private Map<String, String> clientSettings;

    /** How this command's Kafka clients reach the cluster: the resolved bootstrap servers and --kafka-config. */
    public ClusterAccess cluster() {
        return new ClusterAccess(resolveBootstrap(), clientSettings());
    }

    public AlmanacConfig config(String bootstrap) {
        if (partitions < 1) {
            throw new UserException("--partitions must be at least 1", Main.USAGE);
        }
        if (commitIntervalMs < 1) {
            throw new UserException("--commit-interval-ms must be at least 1", Main.USAGE);
        }
        if (replicationFactor < 1) {
            throw new UserException("--replication-factor must be at least 1", Main.USAGE);
        }
        if (schemaRegistryPort != null && (schemaRegistryPort < 0 || schemaRegistryPort > 65535)) {
            throw new UserException("--schema-registry-port must be between 0 and 65535", Main.USAGE);
        }
        if (schemaRegistryUrl != null && !schemaRegistryUrl.isBlank()) {
            try {
                HttpSchemaRegistryClient.parse(schemaRegistryUrl);
            } catch (IllegalArgumentException e) {
                throw new UserException("--schema-registry-url: " + e.getMessage(), Main.USAGE);
            }
        }
        return new AlmanacConfig(bootstrap, applicationId, topicPrefix, !atLeastOnce,
                stateDir != null ? stateDir : Home.stateDir(), partitions, replicationFactor, standbyReplicas,
                Optional.ofNullable(schemaRegistryUrl).filter(s -> !s.isBlank()), Duration.ofMillis(commitIntervalMs),
                dev.almanac.runtime.QueryApiConfig.defaults(), clientSettings(), streamsSettings());
    }
}
