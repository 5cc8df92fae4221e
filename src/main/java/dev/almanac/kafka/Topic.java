package dev.almanac.kafka;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its serdes: the only way code names a topic.
 *
 * @param name the topic name
 * @param keySerde serde of the key
 * @param valueSerde serde of the value
 * @param compacted whether the topic is a table (cleanup.policy=compact) rather than a stream
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {

    @Override
    public String toString() {
        return name;
    }
}
