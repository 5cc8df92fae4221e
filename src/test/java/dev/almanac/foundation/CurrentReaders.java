package dev.almanac.foundation;

import dev.almanac.kafka.TopicCatalogue;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The current-value table in a topology test driver, encoded as the application the driver runs encodes it. */
public final class CurrentReaders {

    private CurrentReaders() {
    }

    /** @param applicationId the driver's {@code application.id}: names the changelog topic the store's bytes are encoded for */
    public static CurrentValues.Reader of(TopologyTestDriver driver, TopicCatalogue topics, String applicationId) {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(FoundationTopology.CURRENT_STORE);
        return new CurrentValues(topics.current(), CurrentValues.changelogTopic(applicationId)).reader(store);
    }
}
