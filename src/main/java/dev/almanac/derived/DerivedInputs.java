package dev.almanac.derived;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The inputs derived tables share, each created once on first use (a topic can be the source of only one
 * node): the latest table, the region hierarchy and the stream of every valid observation.
 */
public final class DerivedInputs {

    /** Store of the latest table as the derived application sees it. */
    public static final String LATEST_STORE = "derived-latest-store";
    /** Store of the region hierarchy: region code → {@link Region}. */
    public static final String REGIONS_STORE = "derived-regions-store";

    private final StreamsBuilder builder;
    private final TopicCatalogue topics;
    private KTable<ObservationKey, IndicatorObservation> latest;
    private KTable<String, Region> regions;
    private KStream<ObservationKey, IndicatorObservation> valid;

    DerivedInputs(StreamsBuilder builder, TopicCatalogue topics) {
        this.builder = builder;
        this.topics = topics;
    }

    public StreamsBuilder builder() {
        return builder;
    }

    public TopicCatalogue topics() {
        return topics;
    }

    /** The latest table read from {@code <prefix>.latest}. */
    public KTable<ObservationKey, IndicatorObservation> latest() {
        if (latest == null) {
            Topic<ObservationKey, IndicatorObservation> t = topics.latest();
            latest = builder.table(t.name(), Consumed.with(t.keySerde(), t.valueSerde()).withName("derived-latest-source"),
                    Materialized.<ObservationKey, IndicatorObservation, KeyValueStore<Bytes, byte[]>>as(LATEST_STORE)
                            .withKeySerde(t.keySerde()).withValueSerde(t.valueSerde()));
        }
        return latest;
    }

    /** The region hierarchy read from {@code <prefix>.regions}. */
    public KTable<String, Region> regions() {
        if (regions == null) {
            Topic<String, Region> t = topics.regions();
            regions = builder.table(t.name(), Consumed.with(t.keySerde(), t.valueSerde()).withName("derived-regions-source"),
                    Materialized.<String, Region, KeyValueStore<Bytes, byte[]>>as(REGIONS_STORE)
                            .withKeySerde(t.keySerde()).withValueSerde(t.valueSerde()));
        }
        return regions;
    }

    /**
     * Every valid observation, every vintage, from {@code <prefix>.observations.valid}. That topic is
     * partitioned by (indicator, region), so per-series state needs no repartition.
     */
    public KStream<ObservationKey, IndicatorObservation> valid() {
        if (valid == null) {
            Topic<ObservationKey, IndicatorObservation> t = topics.validObservations();
            valid = builder.stream(t.name(), Consumed.with(t.keySerde(), t.valueSerde()).withName("derived-valid-source"));
        }
        return valid;
    }
}
