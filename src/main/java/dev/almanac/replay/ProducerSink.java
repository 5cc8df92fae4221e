package dev.almanac.replay;

import dev.almanac.runtime.TopicAdmin;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.Topic;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Sends replayed lines with a {@link RawProducer}, creating each destination topic (if missing) the
 * first time it is used, so a history without registration events creates no registration topic.
 */
public final class ProducerSink implements Replayer.Sink, AutoCloseable {

    private final RawProducer producer;
    private final Admin admin;
    private final int partitions;
    private final short replication;
    private final Set<String> ensured = new HashSet<>();

    public ProducerSink(String bootstrapServers, int partitions, short replication) {
        this(dev.almanac.kafka.ClusterAccess.of(bootstrapServers), partitions, replication);
    }

    public ProducerSink(dev.almanac.kafka.ClusterAccess cluster, int partitions, short replication) {
        this.producer = new RawProducer(cluster);
        this.admin = TopicAdmin.admin(cluster);
        this.partitions = partitions;
        this.replication = replication;
    }

    @Override
    public void send(String topic, byte[] value, Long timestampMillis) {
        if (ensured.add(topic)) {
            try {
                TopicAdmin.ensureTopics(admin, List.of(new Topic<>(topic, Serdes.ByteArray(), Serdes.ByteArray(), false)),
                        partitions, replication);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating " + topic, e);
            }
        }
        // Brokers refuse timestamps more than an hour ahead and would fail the whole batch; such a line
        // goes with the broker's clock and the validator dead-letters it for its future publication date.
        Long timestamp = timestampMillis != null && timestampMillis > System.currentTimeMillis() ? null : timestampMillis;
        producer.send(topic, null, value, timestamp);
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
