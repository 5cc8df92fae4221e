package dev.almanac.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The yardstick of every bench figure: a plain consumer reading the same records on the same broker in the same run. */
final class Baseline {

    private Baseline() {
    }

    /**
     * Records/s of a plain consumer reading the topic from the beginning, with assign() and no group.
     * Small topics are read in repeated passes (seek to the beginning again) until two seconds have
     * passed, so the baseline is not a single tenth of a second.
     */
    static double rawConsumerRate(String bootstrap, String topic, long records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            long total = 0;
            long t = System.nanoTime();
            do {
                consumer.seekToBeginning(partitions);
                long seen = 0;
                while (seen < records) {
                    seen += consumer.poll(Duration.ofMillis(500)).count();
                }
                total += seen;
            } while (secondsSince(t) < 2);
            return total / secondsSince(t);
        }
    }

    /** Seconds since {@code nanoTime}, a {@link System#nanoTime()} reading. */
    static double secondsSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9;
    }
}
