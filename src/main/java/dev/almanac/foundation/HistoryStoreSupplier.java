package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.kafka.SourceTopicStoreSupplier;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The history store (see {@link LatestHistory}): a RocksDB key-value store whose changelog is the
 * valid-observation topic itself. Every valid observation is one history entry, so the valid topic
 * already holds everything the store holds and a dedicated changelog would write each observation a
 * second time; a record restored from the topic is filed under its history key.
 *
 * <p>Puts reach RocksDB in sorted batches at each commit ({@link dev.almanac.kafka.SortedBatchWrites}):
 * one put at a time, searching the memtable from its top for each key, took a fifth of the foundation
 * thread. The latest processor reads what it wrote; interactive queries see the history as of the last
 * commit, as the latest topic shows it under exactly-once.
 */
final class HistoryStoreSupplier extends SourceTopicStoreSupplier {

    HistoryStoreSupplier(String name, Deserializer<IndicatorObservation> values) {
        super(name, r -> LatestHistory.entryKey(values.deserialize(r.topic(), r.value())), true);
    }
}
