package dev.almanac.registry;

import dev.almanac.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's log in a compacted, single-partition Kafka topic, as Confluent's registry keeps
 * {@code _schemas}. A reader thread folds the topic into a {@link RegistryState}; every instance that
 * reads the topic knows the same schemas, and a restart rebuilds the state from the topic.
 *
 * <p>Writes use one transactional id shared by all instances. Opening the transactional producer
 * ({@code initTransactions}) fences every other instance's producer, so the instance that commits is
 * the only one that wrote since it opened, and it decided after catching up with the topic: a
 * compare-and-set without a leader election. A fenced instance reopens its producer, catches up and
 * decides again. Reads use {@code read_committed}, so an aborted attempt is never seen.
 */
final class KafkaSchemaStore implements SchemaStore {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaStore.class);
    private static final int WRITE_ATTEMPTS = 12;

    private final String topic;
    private final TopicPartition partition;
    private final Map<String, Object> clientConfig;
    private final Duration timeout;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RegistryState state = new RegistryState();
    private final Object lock = new Object();
    private final Object writeLock = new Object();
    private final Thread reader;
    private volatile boolean running = true;
    private long position;
    private RuntimeException readerFailure;
    private KafkaProducer<byte[], byte[]> producer;

    private KafkaSchemaStore(String topic, Map<String, Object> clientConfig, Duration timeout) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.clientConfig = Map.copyOf(clientConfig);
        this.timeout = timeout;
        this.admin = Admin.create(withClientId(AdminClientConfig.CLIENT_ID_CONFIG, "admin"));
        Map<String, Object> consumerConfig = withClientId(ConsumerConfig.CLIENT_ID_CONFIG, "reader");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(consumerConfig);
        this.reader = new Thread(this::readLoop, "almanac-schema-log-reader");
        this.reader.setDaemon(true);
    }

    /**
     * Opens the store: creates the topic when missing (one partition, compacted, replicated up to 3
     * times), reads it to its end, and keeps following it.
     *
     * @param clientConfig Kafka client settings: at least {@code bootstrap.servers}; security settings pass through
     * @throws SchemaRegistryException when the topic cannot be created or read in {@code timeout}
     */
    public static KafkaSchemaStore open(String topic, Map<String, Object> clientConfig, Duration timeout) {
        KafkaSchemaStore store = new KafkaSchemaStore(topic, clientConfig, timeout);
        try {
            store.ensureTopic();
            store.consumer.assign(List.of(store.partition));
            store.consumer.seekToBeginning(List.of(store.partition));
            store.reader.start();
            store.catchUp();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The topic this store reads and writes. */
    public String topic() {
        return topic;
    }

    @Override
    public <T> T read(Function<RegistryState, T> query) {
        catchUp();
        synchronized (lock) {
            return query.apply(state);
        }
    }

    @Override
    public <T> T write(Function<RegistryState, RegistryState.Decision<T>> decide) {
        synchronized (writeLock) {
            RuntimeException last = null;
            for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
                RegistryState.Decision<T> decision = decide(decide);
                if (decision.entries().isEmpty()) {
                    return decision.result();
                }
                try {
                    if (producer == null) {
                        producer = openProducer();
                        // Writers that committed before our epoch began are now visible: decide again.
                        decision = decide(decide);
                        if (decision.entries().isEmpty()) {
                            return decision.result();
                        }
                    }
                    long end = append(decision.entries());
                    awaitPosition(end);
                    return decision.result();
                } catch (KafkaException e) {
                    // Fenced by another instance (or a transient broker error): start over from the log.
                    last = e;
                    closeProducer();
                    LOG.debug("schema log write attempt {} failed, retrying: {}", attempt, e.toString());
                    sleepQuietly(ThreadLocalRandom.current().nextLong(20, 60L * attempt));
                }
            }
            throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                    "could not write to the schema topic " + topic + " after " + WRITE_ATTEMPTS + " attempts: " + last, last);
        }
    }

    private <T> RegistryState.Decision<T> decide(Function<RegistryState, RegistryState.Decision<T>> decide) {
        catchUp();
        synchronized (lock) {
            return decide.apply(state);
        }
    }

    private long append(List<LogEntry> entries) {
        producer.beginTransaction();
        List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
        for (LogEntry entry : entries) {
            sent.add(producer.send(new ProducerRecord<>(topic, 0, LogCodec.key(entry), LogCodec.value(entry))));
        }
        producer.commitTransaction();
        long last = -1;
        for (var future : sent) {
            try {
                last = Math.max(last, future.get().offset());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException(e);
            }
        }
        return last + 1;
    }

    private KafkaProducer<byte[], byte[]> openProducer() {
        Map<String, Object> config = withClientId(ProducerConfig.CLIENT_ID_CONFIG, "writer");
        // Shared by every instance on purpose: opening the producer fences the others.
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "almanac-schema-registry:" + topic);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(timeout.toMillis(), 10_000));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config);
        try {
            p.initTransactions();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            p.close(Duration.ZERO);
            throw new SchemaRegistryException(500, SchemaRegistryException.OPERATION_TIMEOUT,
                    "cannot open a transactional producer on the schema topic " + topic + " within " + timeout
                            + " (does the broker allow transactions? a single broker needs transaction.state.log.replication.factor=1): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        return p;
    }

    /** Waits until the reader has applied every record committed before this call. */
    private void catchUp() {
        long end;
        try {
            end = onceKnown(() -> admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(partition)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset());
        } catch (ExecutionException | TimeoutException e) {
            throw new SchemaRegistryException(500, SchemaRegistryException.OPERATION_TIMEOUT,
                    "cannot read the end of the schema topic " + topic + ": " + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(500, SchemaRegistryException.OPERATION_TIMEOUT, "interrupted", e);
        }
        awaitPosition(end);
    }

    private void awaitPosition(long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (position < offset) {
                if (readerFailure != null) {
                    throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                            "the schema topic reader failed: " + readerFailure, readerFailure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SchemaRegistryException(500, SchemaRegistryException.OPERATION_TIMEOUT,
                            "timed out reading the schema topic " + topic + " up to offset " + offset + " (at " + position + ")");
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryException(500, SchemaRegistryException.OPERATION_TIMEOUT, "interrupted", e);
                }
            }
        }
    }

    private void readLoop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                synchronized (lock) {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        applyQuietly(record);
                    }
                    position = consumer.position(partition);
                    lock.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("schema topic reader stopped", e);
            synchronized (lock) {
                readerFailure = e;
                lock.notifyAll();
            }
        }
    }

    private void applyQuietly(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        try {
            LogEntry entry = LogCodec.decode(record.key(), record.value());
            if (entry != null) {
                state.apply(entry);
            }
        } catch (RuntimeException e) {
            // One bad record must not take the registry down; the rest of the log still applies.
            LOG.warn("skipping unreadable schema log record at offset {}: {}", record.offset(), e.getMessage());
        }
    }

    /** One admin call that needs the topic's metadata. */
    @FunctionalInterface
    private interface AdminCall<T> {
        T get() throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * Runs {@code call}, asking again while the broker does not know the topic yet: right after a
     * creation (here or by another instance) its metadata may not have reached the broker asked, and
     * the admin client reports that as UnknownTopicOrPartition instead of waiting.
     */
    private <T> T onceKnown(AdminCall<T> call) throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // a retry back-off, not a wait for a condition: the next call is the check
            }
        }
    }

    private void ensureTopic() {
        try {
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            short replication = (short) Math.max(1, Math.min(3, brokers));
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.of(replication))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                // Created here with one partition: nothing to check. Describing it at once could fail with
                // UnknownTopicOrPartition while the new topic's metadata is still on its way to the broker.
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription description = onceKnown(() -> admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic));
            if (description.partitions().size() != 1) {
                throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR, "schema topic " + topic + " has "
                        + description.partitions().size() + " partitions; it must have exactly one (the log's order is the registry's order)");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                    "cannot create or describe the schema topic " + topic + ": " + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR, "interrupted", e);
        }
    }

    private Map<String, Object> withClientId(String key, String role) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.putIfAbsent(key, "almanac-schema-registry-" + role);
        return config;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debug("closing fenced producer", e);
            }
            producer = null;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (reader.isAlive()) {
            try {
                reader.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (writeLock) {
            closeProducer();
        }
        // Nothing left to finish (writes are synchronous): short, so that a broker that is gone cannot hold a stop.
        consumer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(1));
    }
}
