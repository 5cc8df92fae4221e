package dev.almanac.derived;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The inputs derived tables share, each created once on first use (a topic can be the source of only one
 * node): the latest table and the region hierarchy; and the steps that add nodes to the built topology.
 */
public final class DerivedInputs {

    /** Store of the latest table as the derived application sees it. */
    public static final String LATEST_STORE = "derived-latest-store";
    /** Store of the region hierarchy: region code → {@link Region}. */
    public static final String REGIONS_STORE = "derived-regions-store";

    private final StreamsBuilder builder;
    private final TopicCatalogue topics;
    private KTable<ObservationKey, IndicatorObservation> latest;
    /** Indicators some table reads from the latest table; filled while the topology is built. */
    private final Set<String> latestIndicators = new HashSet<>();
    private KTable<String, Region> regions;
    private final List<Consumer<Topology>> atBuild = new ArrayList<>();
    private final Set<String> claimed = new HashSet<>();
    private final Map<String, Object> shared = new HashMap<>();

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

    /**
     * The latest table read from {@code <prefix>.latest}, holding (at least) {@code indicators}: the caller
     * declares the indicators it reads. The table holds only the indicators some table declared: the
     * latest topic carries every indicator, most of which no derived table reads, and each record that
     * enters the table costs a store write, a cache entry, its decoding on every cache flush and a visit to
     * every downstream filter. A record of another indicator is read as a deletion of its key, which leaves
     * the table untouched (a store restored from the topic may still hold such keys; nobody reads them), and
     * which the store answers without RocksDB ({@link ReadIndicatorsStore}).
     */
    public KTable<ObservationKey, IndicatorObservation> latest(Set<String> indicators) {
        latestIndicators.addAll(indicators);
        if (latest == null) {
            Topic<ObservationKey, IndicatorObservation> t = topics.latest();
            Set<String> read = latestIndicators;
            Deserializer<IndicatorObservation> all = t.valueSerde().deserializer();
            Deserializer<IndicatorObservation> onlyRead = (topic, bytes) -> {
                IndicatorObservation o = all.deserialize(topic, bytes);
                return o == null || read.contains(o.getIndicator()) ? o : null;
            };
            latest = builder.table(t.name(),
                    Consumed.with(t.keySerde(), Serdes.serdeFrom(t.valueSerde().serializer(), onlyRead)).withName("derived-latest-source"),
                    Materialized.<ObservationKey, IndicatorObservation>as(ReadIndicatorsStore.supplier(LATEST_STORE, read))
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
     * Runs {@code step} on the built topology: for nodes the DSL cannot express (a store whose changelog is
     * an input topic, {@code Topology#addReadOnlyStateStore}). Steps run in the order they were added.
     */
    public void atBuild(Consumer<Topology> step) {
        atBuild.add(step);
    }

    /** True the first time {@code resource} is claimed: for nodes that several tables share but only one may add. */
    public boolean claim(String resource) {
        return claimed.add(resource);
    }

    /**
     * The part of the topology named {@code resource}, created by {@code create} on first use and the same
     * object for every later caller: for a stream several tables read (one scan of a store per change
     * instead of one per table). The caller that creates it names its nodes after {@code resource}, not
     * after its own table, so the names do not depend on which table comes first.
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(String resource, Supplier<T> create) {
        Object existing = shared.get(resource);
        if (existing == null) {
            existing = create.get();
            shared.put(resource, existing);
        }
        return (T) existing;
    }

    /**
     * The bytes every key of one series starts with in a store written with {@code keySerializer} (the
     * framed Avro key serde): a key is magic byte, schema id, then indicator, region and period, each as a
     * zig-zag varint length and its UTF-8 bytes. The key with an empty period therefore ends with that
     * period's length, the single byte 0; without it, what is left ends with the region's length and
     * bytes, so CN-BJ does not match CN-BJ-HD. Store layers call it with no topic: the topic given here
     * (the latest topic, the one the store's keys are written for) is used instead.
     */
    public static Serializer<ObservationKey> seriesPrefix(Serializer<ObservationKey> keySerializer, String topic) {
        return (ignoredTopic, key) -> {
            if (!key.getPeriod().isEmpty()) {
                throw new IllegalArgumentException("a series prefix has an empty period: " + key);
            }
            byte[] whole = keySerializer.serialize(topic, key);
            if (whole[whole.length - 1] != 0) {
                throw new IllegalStateException("the key serde does not end a key with its period's length: " + key);
            }
            return Arrays.copyOf(whole, whole.length - 1);
        };
    }

    void finish(Topology topology) {
        atBuild.forEach(step -> step.accept(topology));
    }
}
