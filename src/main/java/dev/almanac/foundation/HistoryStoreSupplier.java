package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.kafka.SourceTopicStoreSupplier;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The history store (see {@link LatestHistory}): a RocksDB key-value store whose changelog is the
 * valid-observation topic itself. Every valid observation is one history entry, so the valid topic
 * already holds everything the store holds and a dedicated changelog would write each observation a
 * second time; a record restored from the topic is filed under its history key.
 */
final class HistoryStoreSupplier extends SourceTopicStoreSupplier {

    HistoryStoreSupplier(String name, Deserializer<IndicatorObservation> values) {
        super(name, r -> LatestHistory.entryKey(values.deserialize(r.topic(), r.value())));
    }
}
