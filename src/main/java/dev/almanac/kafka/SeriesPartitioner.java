package dev.almanac.kafka;

import dev.almanac.avro.ObservationKey;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions observations by (indicator, region) only, so every reference period of a series lands
 * in the same partition: the current-value table is then computed beside the latest table, without a
 * repartition. Interactive queries must locate keys with this partitioner, not the default one.
 */
public final class SeriesPartitioner<V> implements StreamPartitioner<ObservationKey, V> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, ObservationKey key, V value, int numPartitions) {
        return Optional.of(Set.of(partition(key.getIndicator(), key.getRegion(), numPartitions)));
    }

    /** The partition holding every period of series (indicator, region). */
    public static int partition(String indicator, String region, int numPartitions) {
        byte[] bytes = (indicator + '\u0000' + region).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(bytes)) % numPartitions;
    }
}
