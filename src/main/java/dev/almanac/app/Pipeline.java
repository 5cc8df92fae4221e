package dev.almanac.app;

import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.latest.FoundationTopology;
import dev.almanac.latest.ValidationCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The running pipeline: every topology composed into one {@link Topology}, run by one
 * {@link KafkaStreams}. Owns nothing but the streams instance: the broker and the HTTP server are
 * started by their own owners.
 */
public final class Pipeline implements AutoCloseable {

    private final AlmanacConfig config;
    private final TopicCatalogue topics;
    private final Topology topology;
    private final KafkaStreams streams;

    public Pipeline(AlmanacConfig config, TopicCatalogue topics) {
        this(config, topics, topology(topics));
    }

    /** A pipeline running a given topology (a rebuild's cutoff topology, for one). */
    public Pipeline(AlmanacConfig config, TopicCatalogue topics, Topology topology) {
        this.config = config;
        this.topics = topics;
        this.topology = topology;
        this.streams = new KafkaStreams(topology, streamsProperties(config));
    }

    /** The whole application topology. Pure: builds nodes, does no I/O. */
    public static Topology topology(TopicCatalogue topics) {
        return topology(topics, Optional.empty());
    }

    /**
     * The whole application topology considering only observations published at or before
     * {@code publishedUpTo} (inclusive), when present.
     */
    public static Topology topology(TopicCatalogue topics, Optional<Instant> publishedUpTo) {
        return FoundationTopology.build(topics, publishedUpTo);
    }

    /** Kafka Streams properties derived from the config. */
    public static Properties streamsProperties(AlmanacConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                config.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        return p;
    }

    /** Creates missing topics, starts the streams and waits until they run. */
    public Pipeline start(Duration timeout) throws InterruptedException {
        try (Admin admin = TopicAdmin.admin(config.bootstrapServers())) {
            TopicAdmin.ensureTopics(admin, topics.all(), config.partitions(), config.replicationFactor());
        }
        streams.start();
        awaitState(KafkaStreams.State.RUNNING, timeout);
        return this;
    }

    /** Waits until the streams reach {@code state}, failing fast when they die. */
    public void awaitState(KafkaStreams.State state, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Object monitor = new Object();
        while (streams.state() != state) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING
                    || streams.state() == KafkaStreams.State.PENDING_ERROR) {
                throw new IllegalStateException("Kafka Streams stopped in state " + streams.state());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Kafka Streams not " + state + " after " + timeout + " (state " + streams.state() + ")");
            }
            synchronized (monitor) {
                monitor.wait(50);
            }
        }
    }

    /** Validation totals over all local partitions. */
    public ValidationCounts validationCounts() {
        return ValidationCounts.sum(keyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE));
    }

    /** A read-only view over all local partitions of a key-value store. */
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new IllegalStateException("store " + name + " is not queryable now: " + e.getMessage(), e);
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public Topology topology() {
        return topology;
    }

    public TopicCatalogue topics() {
        return topics;
    }

    public AlmanacConfig config() {
        return config;
    }

    /**
     * Stops the streams and leaves the consumer group, so that a restart, a reset or a rebuild with
     * {@code --replace} right after does not wait for the session timeout.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
