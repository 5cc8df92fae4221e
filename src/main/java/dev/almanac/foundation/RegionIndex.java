package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Region-first copies of the latest and current tables, for queries that fix the region but not the
 * indicator ({@code WHERE region LIKE 'CN-BJ-%'}, {@code WHERE region = 'CN-SH'}): the main stores are
 * keyed indicator first, so such queries would read everything. The index key is the plain string
 * {@code region \0 indicator \0 period} (or {@code \0 frequency} for current values), whose string
 * prefixes are byte prefixes. The index processors hang off the foundation's latest and current
 * processors, so they see exactly the winners those forward, in the same task (and partition).
 */
public final class RegionIndex {

    /** Region-first copy of the latest table. */
    public static final String LATEST_BY_REGION_STORE = "latest-by-region-store";
    /** Region-first copy of the current-value table. */
    public static final String CURRENT_BY_REGION_STORE = "current-by-region-store";

    static final char SEPARATOR = '\u0000';

    private RegionIndex() {
    }

    /** Adds both index processors and their stores as children of the foundation's processors. */
    public static void addTo(Topology topology, TopicCatalogue topics) {
        var observation = topics.validObservations().valueSerde();
        topology.addProcessor("latest-by-region-index",
                () -> new IndexProcessor<ObservationKey>(LATEST_BY_REGION_STORE, r -> key(r.key().getRegion(), r.key().getIndicator(), r.key().getPeriod())),
                FoundationTopology.LATEST_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LATEST_BY_REGION_STORE), Serdes.String(), observation)
                        .withCachingEnabled(), "latest-by-region-index");
        topology.addProcessor("current-by-region-index",
                () -> new IndexProcessor<SeriesKey>(CURRENT_BY_REGION_STORE, r -> key(r.key().getRegion(), r.key().getIndicator(), r.key().getFrequency())),
                FoundationTopology.CURRENT_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CURRENT_BY_REGION_STORE), Serdes.String(), observation)
                        .withCachingEnabled(), "current-by-region-index");
    }

    public static String key(String region, String indicator, String last) {
        return region + SEPARATOR + indicator + SEPARATOR + last;
    }

    /** The index prefix of every key of exactly {@code region}. */
    public static String exactRegion(String region) {
        return region + SEPARATOR;
    }

    private static final class IndexProcessor<K> implements Processor<K, IndicatorObservation, Void, Void> {
        private final String storeName;
        private final Function<Record<K, IndicatorObservation>, String> indexKey;
        private KeyValueStore<String, IndicatorObservation> store;

        IndexProcessor(String storeName, Function<Record<K, IndicatorObservation>, String> indexKey) {
            this.storeName = storeName;
            this.indexKey = indexKey;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<K, IndicatorObservation> record) {
            if (record.value() != null) {
                store.put(indexKey.apply(record), record.value());
            }
        }
    }
}
