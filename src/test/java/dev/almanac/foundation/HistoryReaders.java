package dev.almanac.foundation;

import dev.almanac.kafka.TopicCatalogue;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The latest table's history in a topology test driver, decoded with the catalogue the driver was built with. */
public final class HistoryReaders {

    private HistoryReaders() {
    }

    public static LatestHistory.Reader of(TopologyTestDriver driver, TopicCatalogue topics) {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(FoundationTopology.LATEST_HISTORY_STORE);
        return new LatestHistory.Reader(store, topics.validObservations().valueSerde().deserializer(), topics.validObservations().name());
    }
}
