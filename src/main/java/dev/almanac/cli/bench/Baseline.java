package dev.almanac.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The yardstick of every bench figure: a plain consumer reading the same records on the same broker in the same run. */
final class Baseline {

    private static final int MIN_PASSES = 5;

    private Baseline() {
    }

    /**
     * What a plain consumer reading the topic from the beginning, with assign() and no group, does: the topic
     * is read in whole passes (seek to the beginning again), at least five and for at least two seconds.
     *
     * <p>The consumer asks the broker not to wait for data ({@code fetch.max.wait.ms=0}). With the default
     * 500 ms, the fetch the consumer sends ahead once it has read the end of the topic waits for data that
     * never comes, and the next pass starts only when it returns: a pass of 200,000 records then took about
     * 0.58 s instead of 0.06–0.10 s, and the baseline measured that wait, not the consumer
     * (docs/performance.md).
     *
     * @param median the median pass's records/s: the baseline of every ratio (the first pass is cold, and
     *               single passes meet a compilation, a collection or the broker's log cleaner)
     * @param fastest the fastest pass's records/s
     * @param passes how many passes were read
     */
    record Rate(double median, double fastest, int passes) {

        /** How the bench prints it. */
        String describe() {
            return String.format("%,.0f records/s (median of %d passes of the whole topic; fastest %,.0f records/s)", median, passes, fastest);
        }
    }

    static Rate rawConsumerRate(String bootstrap, String topic, long records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            List<Double> rates = new ArrayList<>();
            long t = System.nanoTime();
            do {
                long pass = System.nanoTime();
                consumer.seekToBeginning(partitions);
                long seen = 0;
                while (seen < records) {
                    seen += consumer.poll(Duration.ofMillis(500)).count();
                }
                rates.add(seen / secondsSince(pass));
            } while (rates.size() < MIN_PASSES || secondsSince(t) < 2);
            Collections.sort(rates);
            return new Rate(rates.get(rates.size() / 2), rates.get(rates.size() - 1), rates.size());
        }
    }

    /** Seconds since {@code nanoTime}, a {@link System#nanoTime()} reading. */
    static double secondsSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9;
    }
}
