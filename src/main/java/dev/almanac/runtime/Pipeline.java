package dev.almanac.runtime;

import dev.almanac.derived.DerivedTopics;
import dev.almanac.derived.DerivedTopology;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.LatestHistory;
import dev.almanac.foundation.ValidationCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The running pipeline: two Kafka Streams applications in one process. The foundation (application id
 * {@code <id>}) validates observations and keeps the latest and current tables; the derived tables
 * (application id {@code <id>-derived}) read the foundation's topics. They are separate applications
 * because both read the valid-observation topic, and a topic feeds only one source node per topology.
 * Owns nothing but the streams instances: the broker and the HTTP servers belong to their starters.
 */
public final class Pipeline implements AutoCloseable {

    /**
     * How long {@link #close()} waits for the applications to commit and leave their groups. A
     * graceful close on a live broker takes well under a second; a broker that is gone would otherwise
     * keep the threads waiting for the clients' default timeouts (minutes), and a stop signal must end
     * the process within seconds (docs/reliability.md).
     */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(8);

    private static final CloseOptions LEAVE = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(CLOSE_TIMEOUT);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Pipeline.class);

    private final AlmanacConfig config;
    private final TopicCatalogue topics;
    private final DerivedDefinitions definitions;
    private final Topology foundation;
    private final Topology derived;
    private final KafkaStreams streams;
    private final KafkaStreams derivedStreams;

    /** The pipeline with the bundled derived-table definitions. */
    public Pipeline(AlmanacConfig config, TopicCatalogue topics) {
        this(config, topics, DerivedDefinitions.bundled());
    }

    public Pipeline(AlmanacConfig config, TopicCatalogue topics, DerivedDefinitions definitions) {
        this(config, topics, definitions, Optional.empty());
    }

    /**
     * A pipeline whose foundation considers only observations published at or before
     * {@code publishedUpTo} (inclusive), when present: a rebuild "as of" a date.
     */
    public Pipeline(AlmanacConfig config, TopicCatalogue topics, DerivedDefinitions definitions, Optional<Instant> publishedUpTo) {
        this.config = config;
        this.topics = topics;
        this.definitions = definitions;
        this.foundation = topology(topics, publishedUpTo);
        Properties derivedProps = streamsProperties(config, derivedApplicationId(config));
        // A regions record that does not decode is dead-lettered instead of stopping every derived table.
        derivedProps.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, dev.almanac.kafka.DeadLetterDeserialization.class);
        derivedProps.put(dev.almanac.kafka.DeadLetterDeserialization.TOPIC_CONFIG, topics.rejectedRegions().name());
        this.derived = DerivedTopology.build(topics, definitions, derivedProps);
        this.streams = new KafkaStreams(foundation, streamsProperties(config));
        this.derivedStreams = new KafkaStreams(derived, derivedProps);
        this.streams.setUncaughtExceptionHandler(Pipeline::onUncaught);
        this.derivedStreams.setUncaughtExceptionHandler(Pipeline::onUncaught);
    }

    /**
     * A transient outage (the schema registry unreachable) replaces the thread: its tasks resume from
     * the last commit and retry. Anything else is a bug or a broken cluster: the application stops
     * rather than skip records.
     */
    static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onUncaught(Throwable e) {
        if (dev.almanac.serde.RegistryUnavailableException.causedBy(e)) {
            LOG.warn("{}; replacing the stream thread, which retries from the last commit", rootMessage(e));
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error("stream thread failed; stopping the application", e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** The message of the registry's own failure (a regions record's arrives wrapped by Kafka Streams). */
    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof dev.almanac.serde.RegistryUnavailableException) {
                return t.getMessage();
            }
            if (t instanceof dev.almanac.serde.SchemaRegistryException) {
                return new dev.almanac.serde.RegistryUnavailableException(t).getMessage();
            }
        }
        return e.getMessage();
    }

    /** The foundation topology. Pure: builds nodes, does no I/O. */
    public static Topology topology(TopicCatalogue topics) {
        return topology(topics, Optional.empty());
    }

    /**
     * The foundation topology considering only observations
     * published at or before {@code publishedUpTo} (inclusive), when present: a rebuild "as of" a date.
     */
    public static Topology topology(TopicCatalogue topics, Optional<Instant> publishedUpTo) {
        return FoundationTopology.build(topics, publishedUpTo);
    }

    /** The application id of the derived tables. */
    public static String derivedApplicationId(AlmanacConfig config) {
        return config.applicationId() + "-derived";
    }

    /** Kafka Streams properties of the foundation application. */
    public static Properties streamsProperties(AlmanacConfig config) {
        return streamsProperties(config, config.applicationId());
    }

    /** Kafka Streams properties derived from the config, for {@code applicationId}. */
    public static Properties streamsProperties(AlmanacConfig config, String applicationId) {
        // The operator's client settings (security) first, so Almanac's own settings below win over them; then the
        // Streams settings passed through, which an operator sets on purpose and which so win over Almanac's.
        Properties p = config.kafka().properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
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
        // Producer batching: Kafka Streams' own linger.ms (100 ms; Almanac used to force 5) and larger
        // batches. Every commit flushes the producer anyway, and fewer, larger batches per partition and
        // transaction mean fewer produce retries under exactly_once_v2 (docs/performance.md).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        // The record cache (shared by all stores of the instance) merges repeated writes to a key between
        // commits; 10 MB (the default) is small for ~30 stores per application.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        // A table read from a topic (the derived application's latest table and region hierarchy) restores
        // from that topic instead of writing every record a second time to a changelog of its own.
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        // No task idling: a task with several input partitions (the derived application's first sub-topology
        // reads six: latest, regions, the shares' hierarchy, request and response topics, registration days) processes what it has
        // instead of waiting for partitions with known lag. Every table here is built to be independent of
        // arrival order, so the wait buys nothing; and Kafka Streams 4.3 formats a log message with
        // String.format for each empty partition on every check, which took 12 % of the derived stream
        // thread's CPU in a profile of ./almanac bench.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Changelog and repartition topics carry the input's publication-time timestamps too: they roll by size only, as Almanac's own topics do.
        p.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), TopicAdmin.SEGMENT_MS);
        if (config.queryApi().httpPort() > 0) {
            // Interactive queries find the instance that holds a key through this (dev.almanac.query).
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.queryApi().applicationServer());
        }
        p.putAll(config.streamsSettings());
        return p;
    }

    /** Every topic the pipeline reads or writes (not internal ones), for creation. */
    public List<Topic<?, ?>> allTopics() {
        List<Topic<?, ?>> all = new ArrayList<>(topics.all());
        all.addAll(DerivedTopics.all(topics, definitions));
        return all;
    }

    /** Creates missing topics, starts both applications and waits until they run. */
    public Pipeline start(Duration timeout) throws InterruptedException {
        try (Admin admin = TopicAdmin.admin(config.kafka())) {
            TopicAdmin.ensureTopics(admin, allTopics(), config.partitions(), config.replicationFactor());
        }
        streams.start();
        derivedStreams.start();
        awaitState(streams, KafkaStreams.State.RUNNING, timeout);
        awaitState(derivedStreams, KafkaStreams.State.RUNNING, timeout);
        return this;
    }

    /**
     * Like {@link #start}, but starts the foundation only once the derived application runs: for
     * measurements, so that no input record is processed before both applications run (started together,
     * the foundation works through its input while the derived application is still opening its stores).
     */
    public Pipeline startDerivedFirst(Duration timeout) throws InterruptedException {
        try (Admin admin = TopicAdmin.admin(config.kafka())) {
            TopicAdmin.ensureTopics(admin, allTopics(), config.partitions(), config.replicationFactor());
        }
        derivedStreams.start();
        awaitState(derivedStreams, KafkaStreams.State.RUNNING, timeout);
        streams.start();
        awaitState(streams, KafkaStreams.State.RUNNING, timeout);
        return this;
    }

    /**
     * How long {@link #awaitSettled} waited: until the foundation had settled, and until the derived tables had
     * too. The derived tables read the foundation's committed output, so they settle after it; the difference
     * is what they had left to do once the foundation was done.
     */
    public record Settled(Duration foundation, Duration all) {
    }

    /** Waits until every application has processed and committed everything in its inputs. */
    public Settled awaitSettled(Duration timeout) throws InterruptedException {
        try (CaughtUpCheck settle = new CaughtUpCheck(config.kafka())) {
            long start = System.nanoTime();
            settle.await(config.applicationId(), CaughtUpCheck.sourceTopics(foundation), timeout);
            Duration foundationSettled = Duration.ofNanos(System.nanoTime() - start);
            settle.await(derivedApplicationId(config), CaughtUpCheck.sourceTopics(derived), timeout);
            return new Settled(foundationSettled, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Waits until the foundation's streams reach {@code state}, failing fast when they die. */
    void awaitState(KafkaStreams.State state, Duration timeout) throws InterruptedException {
        awaitState(streams, state, timeout);
    }

    private static void awaitState(KafkaStreams s, KafkaStreams.State state, Duration timeout) throws InterruptedException {
        Waiting.until(() -> {
            KafkaStreams.State now = s.state();
            if (now != state && (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING
                    || now == KafkaStreams.State.PENDING_ERROR)) {
                throw new IllegalStateException("Kafka Streams stopped in state " + now);
            }
            return now == state;
        }, timeout, Duration.ofMillis(50), () -> "Kafka Streams not " + state + " after " + timeout + " (state " + s.state() + ")");
    }

    /** Validation totals over all local partitions. */
    public ValidationCounts validationCounts() {
        return ValidationCounts.sum(keyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE));
    }

    /** The latest table's history over all local partitions: winners now, as of a time, revisions. */
    public LatestHistory.Reader latestHistory() {
        return new LatestHistory.Reader(keyValueStore(FoundationTopology.LATEST_HISTORY_STORE),
                topics.validObservations().valueSerde().deserializer(), topics.validObservations().name());
    }

    /** A read-only view over all local partitions of a foundation key-value store. */
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name) {
        return keyValueStore(streams, name);
    }

    /** A read-only view over all local partitions of a derived-table key-value store. */
    public <K, V> ReadOnlyKeyValueStore<K, V> derivedKeyValueStore(String name) {
        return keyValueStore(derivedStreams, name);
    }

    private static <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(KafkaStreams s, String name) {
        try {
            return s.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new IllegalStateException("store " + name + " is not queryable now: " + e.getMessage(), e);
        }
    }

    /** The foundation application. */
    public KafkaStreams streams() {
        return streams;
    }

    /** The derived-tables application. */
    public KafkaStreams derivedStreams() {
        return derivedStreams;
    }

    /** The foundation topology. */
    public Topology topology() {
        return foundation;
    }

    /** The derived-tables topology. */
    public Topology derivedTopology() {
        return derived;
    }

    public DerivedDefinitions definitions() {
        return definitions;
    }

    public TopicCatalogue topics() {
        return topics;
    }

    public AlmanacConfig config() {
        return config;
    }

    /**
     * Stops both applications and leaves their consumer groups, so that a restart, a reset or a
     * rebuild with {@code --replace} right after does not wait for the session timeout. The two close
     * at the same time, bounded by {@link #CLOSE_TIMEOUT} together; a pending interrupt of the caller
     * (a stop signal) is kept for afterwards rather than cutting the close short.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        Thread derivedClose = new Thread(() -> derivedStreams.close(LEAVE), "almanac-close-derived");
        derivedClose.start();
        streams.close(LEAVE);
        try {
            derivedClose.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
