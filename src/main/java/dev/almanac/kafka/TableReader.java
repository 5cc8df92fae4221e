package dev.almanac.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a compacted table topic the way a subscriber does: from the beginning to the current end
 * (read committed), the last value per key wins, a tombstone deletes.
 */
public final class TableReader {

    private TableReader() {
    }

    /** The table in {@code topic} as of now. */
    public static <K, V> Map<K, V> read(String bootstrapServers, Topic<K, V> topic, Duration timeout) {
        return read(ClusterAccess.of(bootstrapServers), topic, timeout);
    }

    /** The table in {@code topic} as of now, read with the operator's client settings. */
    public static <K, V> Map<K, V> read(ClusterAccess cluster, Topic<K, V> topic, Duration timeout) {
        Properties p = cluster.properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<K, V> table = new LinkedHashMap<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            while (!done(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("reading " + topic.name() + " did not finish within " + timeout);
                }
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        table.remove(r.key());
                    } else {
                        table.put(r.key(), r.value());
                    }
                }
            }
        }
        return table;
    }

    private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        Set<TopicPartition> open = end.entrySet().stream()
                .filter(e -> consumer.position(e.getKey()) < e.getValue())
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        return open.isEmpty();
    }
}
