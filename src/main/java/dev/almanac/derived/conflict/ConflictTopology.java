package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.ConflictState;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Conflicts and suspicious jumps, from every valid observation (not only the latest winners):
 * <pre>
 * observations.valid ─▶ detect (per-series state) ─▶ &lt;prefix&gt;.&lt;name&gt; (+ &lt;name&gt;-store)
 * </pre>
 */
public final class ConflictTopology {

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

    /**
     * Per-period state: (indicator, region, frequency, period) → that period's vintages and the findings
     * it owns, keyed so that a series' periods sort in period order (see {@link ConflictProcessor}).
     */
    static String periodsStore(TableDefinition.Conflicts def) {
        return def.name() + "-periods-store";
    }

    public static void addTo(DerivedInputs sources, TableDefinition.Conflicts def) {
        TopicCatalogue topics = sources.topics();
        Topic<ConflictKey, Conflict> out = topic(topics, def);
        sources.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(periodsStore(def)),
                Serdes.String(), topics.serdes().specific(ConflictState.class, false)).withCachingEnabled());
        // Cached: the detector reads a finding back before every write (to forward only changes), and a
        // period's findings are rewritten on each of its arrivals; the cache answers those reads and merges the
        // writes to one changelog record per finding and commit.
        sources.builder().addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store(def)),
                out.keySerde(), out.valueSerde()).withCachingEnabled());
        sources.valid()
                .process(() -> new ConflictProcessor(def), Named.as(def.name() + "-detect"), periodsStore(def), store(def))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName(def.name() + "-sink"));
    }
}
