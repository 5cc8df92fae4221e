package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.SourceTopicStoreSupplier;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Conflicts and suspicious jumps, from every valid observation (not only the latest winners):
 * <pre>
 * observations.valid ─▶ conflict-vintages (vintages store, changelog: the valid topic) ─▶ detect ─▶ &lt;prefix&gt;.&lt;name&gt; (+ &lt;name&gt;-store)
 * </pre>
 * The vintages store and its writer are shared by every conflicts table; each table adds its detector,
 * its findings store and its sink.
 */
public final class ConflictTopology {

    /** Every valid observation by series and period order ({@link ConflictVintages}); shared by the conflicts tables. */
    public static final String VINTAGES_STORE = "conflict-vintages-store";
    static final String VALID_SOURCE = "derived-valid-source";
    static final String VINTAGES_WRITER = "conflict-vintages";
    /** How many vintages each task's writer keeps decoded in memory ({@link dev.almanac.kafka.SeriesCache}). */
    static final int CACHED_POINTS = 65_536;
    /** The longest series the writer caches: its first load reads and decodes every vintage of it. */
    static final int MAX_SERIES_POINTS = 4_096;

    private ConflictTopology() {
    }

    public static Topic<ConflictKey, Conflict> topic(TopicCatalogue topics, TableDefinition.Conflicts def) {
        return topics.derived(def.name(), null, topics.serdes().specific(ConflictKey.class, true),
                topics.serdes().specific(Conflict.class, false));
    }

    /** StoreReadiness store: {@link ConflictKey} → {@link Conflict}. */
    public static String store(TableDefinition.Conflicts def) {
        return def.name() + "-store";
    }

    public static void addTo(DerivedInputs sources, TableDefinition.Conflicts def) {
        TopicCatalogue topics = sources.topics();
        Topic<ObservationKey, IndicatorObservation> valid = topics.validObservations();
        Topic<ConflictKey, Conflict> out = topic(topics, def);
        boolean first = sources.claim(VINTAGES_STORE);
        sources.atBuild(topology -> {
            if (first) {
                addVintages(topology, valid, CACHED_POINTS);
            }
            String detect = def.name() + "-detect";
            topology.addProcessor(detect, () -> new ConflictProcessor(def), VINTAGES_WRITER);
            // Cached: the detector reads a finding back before every write (to forward only changes); the cache
            // answers those reads and merges the writes to one changelog record per finding and commit.
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store(def)),
                    out.keySerde(), out.valueSerde()).withCachingEnabled(), detect);
            topology.addSink(def.name() + "-sink", out.name(), out.keySerde().serializer(), out.valueSerde().serializer(), detect);
        });
    }

    /** Adds the vintages store and its writer, whose cache holds {@code cachedPoints} points at most (0: none). */
    static void addVintages(Topology topology, Topic<ObservationKey, IndicatorObservation> valid, int cachedPoints) {
        Deserializer<IndicatorObservation> values = valid.valueSerde().deserializer();
        // Sorted batches: the writer puts every valid observation, and reads the store only for series its
        // cache does not hold; one put at a time was a sixth of the derived stream thread.
        SourceTopicStoreSupplier store = new SourceTopicStoreSupplier(VINTAGES_STORE,
                r -> ConflictVintages.entryKey(values.deserialize(r.topic(), r.value())), true);
        // The writer forwards each change to the detectors added as its children; the API types a read-only
        // store's processor as forwarding nothing, and the raw cast only widens that.
        @SuppressWarnings({"unchecked", "rawtypes"})
        ProcessorSupplier<byte[], byte[], Void, Void> writer =
                () -> (Processor) new ConflictVintages.Writer(VINTAGES_STORE, valid.name(), valid.valueSerde().deserializer(),
                        cachedPoints);
        topology.addReadOnlyStateStore(Stores.keyValueStoreBuilder(store, Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled(),
                VALID_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), valid.name(), VINTAGES_WRITER, writer);
    }
}
