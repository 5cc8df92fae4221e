package dev.almanac.query;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs a {@link PushQuery}: tails the table's change topic from its end (committed records only, as
 * the pipeline writes exactly-once), turns each change into a table row, and hands the rows the query
 * produces to a sink, until the limit, the sink failing (the client went away) or {@code stop}.
 */
public final class ChangeStream {

    /** Where result rows go. */
    public interface Sink {
        /** Called once the stream reads from the end of the topic: every change after this is seen. */
        void begin(List<QueryResult.ResultColumn> columns) throws IOException;

        void row(List<Object> row) throws IOException;

        /** Called when nothing was sent for a while, so that a vanished client is noticed. */
        void heartbeat() throws IOException;

        void end(long rows, String reason) throws IOException;
    }

    private final dev.almanac.kafka.ClusterAccess cluster;
    private final Duration heartbeat;
    private final Duration rowTimeLimit;

    public ChangeStream(String bootstrapServers, Duration heartbeat, Duration rowTimeLimit) {
        this(dev.almanac.kafka.ClusterAccess.of(bootstrapServers), heartbeat, rowTimeLimit);
    }

    public ChangeStream(dev.almanac.kafka.ClusterAccess cluster, Duration heartbeat, Duration rowTimeLimit) {
        this.cluster = cluster;
        this.heartbeat = heartbeat;
        this.rowTimeLimit = rowTimeLimit;
    }

    /** Streams until done; returns the number of rows sent. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public long run(PushQuery query, Sink sink, BooleanSupplier stop) throws Exception {
        TableDef.ChangeFeed feed = query.table().changes().orElseThrow();
        Properties p = cluster.properties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "almanac-push-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(java.util.Locale.ROOT));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        long sent = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(feed.topic(), Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition tp : partitions) {
                consumer.position(tp, Duration.ofSeconds(30));
            }
            sink.begin(query.columns());
            long lastWrite = System.nanoTime();
            long limit = query.limit().orElse(Long.MAX_VALUE);
            if (limit == 0) {
                sink.end(0, "limit");
                return 0;
            }
            while (!stop.getAsBoolean()) {
                List<Object[]> changed = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    Object value = feed.valueDeserializer().deserialize(r.topic(), r.value());
                    changed.add((Object[]) feed.toRow().apply(value));
                }
                for (List<Object> row : query.apply(changed, rowTimeLimit)) {
                    sink.row(row);
                    lastWrite = System.nanoTime();
                    if (++sent >= limit) {
                        sink.end(sent, "limit");
                        return sent;
                    }
                }
                if (System.nanoTime() - lastWrite > heartbeat.toNanos()) {
                    sink.heartbeat();
                    lastWrite = System.nanoTime();
                }
            }
            sink.end(sent, "stopped");
        }
        return sent;
    }
}
