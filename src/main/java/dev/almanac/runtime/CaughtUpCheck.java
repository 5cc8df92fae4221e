package dev.almanac.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Decides whether an application has processed everything in its source topics: for every partition
 * the committed offset has reached the end, or everything between them is transaction markers (which
 * exactly-once writers leave after their last record and which a consumer never commits past).
 * An exactly-once application must also have no transaction in flight: while a commit completes, its
 * offsets may already show while the read-committed end of a topic it wrote (its last stable offset)
 * still lags, which would make a half-done state look settled.
 */
public final class CaughtUpCheck implements AutoCloseable {

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> probe;

    public CaughtUpCheck(String bootstrapServers) {
        this(dev.almanac.kafka.ClusterAccess.of(bootstrapServers));
    }

    public CaughtUpCheck(dev.almanac.kafka.ClusterAccess cluster) {
        this.admin = TopicAdmin.admin(cluster);
        Properties p = cluster.properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        this.probe = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The source topics of a topology (pattern sources are not supported). */
    public static Set<String> sourceTopics(Topology topology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    topics.addAll(source.topicSet());
                }
            }
        }
        return topics;
    }

    /** Waits until {@code groupId} has processed all of {@code topics}, or throws after {@code timeout}. */
    public void await(String groupId, Set<String> topics, Duration timeout) throws InterruptedException {
        Waiting.until(() -> caughtUp(groupId, topics), timeout, Duration.ofMillis(100),
                () -> "application " + groupId + " did not catch up with " + topics + " within " + timeout);
    }

    /** Whether {@code groupId} has processed every record of {@code topics}. */
    boolean caughtUp(String groupId, Set<String> topics) throws InterruptedException {
        try {
            if (!openTransactions(admin, groupId).isEmpty()) {
                return false;
            }
            Set<String> existing = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(false))
                    .names().get(30, TimeUnit.SECONDS);
            Set<String> resolved = new TreeSet<>();
            for (String t : topics) {
                // Topology descriptions name internal topics without the application id prefix.
                if (existing.contains(t)) {
                    resolved.add(t);
                } else if (existing.contains(groupId + "-" + t)) {
                    resolved.add(groupId + "-" + t);
                } else {
                    return false;
                }
            }
            Map<String, TopicDescription> described = admin.describeTopics(resolved).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(
                    p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                long end = e.getValue().offset();
                OffsetAndMetadata c = committed.get(e.getKey());
                long position = c == null ? 0 : c.offset();
                if (position < end && hasRecordsFrom(e.getKey(), position)) {
                    return false;
                }
            }
            return openTransactions(admin, groupId).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * The transactional ids of {@code applicationId}'s exactly-once producers
     * ({@code <application id>-<process uuid>-<thread>}) whose transaction is ongoing or completing.
     */
    public static List<String> openTransactions(Admin admin, String applicationId)
            throws InterruptedException, ExecutionException, TimeoutException {
        Pattern own = Pattern.compile(Pattern.quote(applicationId) + "-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\\d+");
        return admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING,
                        TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE)))
                .all().get(30, TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> own.matcher(id).matches())
                .toList();
    }

    private boolean hasRecordsFrom(TopicPartition tp, long offset) {
        probe.assign(List.of(tp));
        probe.seek(tp, offset);
        Instant until = Instant.now().plusMillis(500);
        while (Instant.now().isBefore(until)) {
            ConsumerRecords<byte[], byte[]> records = probe.poll(Duration.ofMillis(100));
            if (!records.isEmpty()) {
                return true;
            }
            if (probe.position(tp) > offset) {
                return false;
            }
        }
        return probe.position(tp) <= offset;
    }

    @Override
    public void close() {
        probe.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
