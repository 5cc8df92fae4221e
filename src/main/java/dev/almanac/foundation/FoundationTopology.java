package dev.almanac.foundation;

import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.TopicCatalogue;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The foundation: raw records are validated into the valid-observation topic (or the dead-letter
 * topic), then folded into the vintage-aware latest table and the current-value table.
 *
 * <pre>
 * raw ─▶ validate ─▶ valid topic ─▶ latest (history store) ─▶ latest topic
 *            └─▶ rejected topic                 └─▶ current ─▶ current topic
 * </pre>
 *
 * The valid and latest topics are both partitioned by {@link SeriesPartitioner}: every period of an
 * (indicator, region) series is in one partition.
 *
 * With a publication cutoff (a rebuild "as of" a date), a filter between validation and the valid
 * topic drops every observation published after the cutoff, so every table downstream only ever
 * sees what had been published by then.
 */
public final class FoundationTopology {

    /** Accepted/rejected counters, per task: sum over all partitions for the totals. */
    public static final String VALIDATION_COUNTS_STORE = "validation-counts-store";
    /**
     * Every vintage of every key, see {@link LatestHistory}: the winners of the latest table, its
     * values as of any time and its revisions are all range reads of this one store. Its changelog is
     * the valid-observation topic itself ({@link HistoryStoreSupplier}), so keeping the history writes
     * nothing to Kafka beyond the valid topic.
     */
    public static final String LATEST_HISTORY_STORE = "latest-history-store";
    /** (indicator, region, frequency) → the latest vintage of the newest reference period. */
    public static final String CURRENT_STORE = "current-store";
    /** The publication-cutoff filter node, present only when the topology is built with a cutoff. */
    public static final String AS_OF_FILTER = "as-of-filter";

    /** The processor that forwards each change of winner of the latest table, to the latest topic's sink and to {@link #CURRENT_PROCESSOR}. */
    public static final String LATEST_PROCESSOR = "latest";
    /**
     * How many keys' winners each task's latest processor keeps in memory ({@link dev.almanac.kafka.SeriesCache}),
     * and how many series' newest periods its current processor keeps.
     */
    static final int CACHED_KEYS = 65_536;
    /** The longest series (indicator, region) whose winners the latest processor caches: its first load reads every vintage. */
    static final int MAX_SERIES_VINTAGES = 4_096;
    /** The processor that forwards each change of the current-value table: other features may attach children to it. */
    public static final String CURRENT_PROCESSOR = "current";

    private FoundationTopology() {
    }

    /** The foundation as a topology of its own. */
    public static Topology build(TopicCatalogue topics) {
        return build(topics, Optional.empty());
    }

    /**
     * The foundation considering only observations published at or before {@code publishedUpTo}
     * (inclusive), when present.
     */
    public static Topology build(TopicCatalogue topics, Optional<Instant> publishedUpTo) {
        Topology topology = new Topology();
        addTo(topology, topics, publishedUpTo);
        return topology;
    }

    /**
     * Adds the foundation's nodes and stores to {@code topology}. Key-value stores are cached: the
     * validation counters change on every record, and without a cache each change would be a
     * changelog record of its own.
     */
    public static void addTo(Topology topology, TopicCatalogue topics) {
        addTo(topology, topics, Optional.empty());
    }

    /** Adds the foundation's nodes and stores, with an optional inclusive publication cutoff. */
    public static void addTo(Topology topology, TopicCatalogue topics, Optional<Instant> publishedUpTo) {
        addTo(topology, topics, publishedUpTo, CACHED_KEYS);
    }

    /**
     * The foundation with caches of {@code cachedKeys} entries per task in its latest processor (winners) and
     * its current processor (newest periods by series); 0: none, every record reads the stores.
     */
    static Topology build(TopicCatalogue topics, int cachedKeys) {
        Topology topology = new Topology();
        addTo(topology, topics, Optional.empty(), cachedKeys);
        return topology;
    }

    private static void addTo(Topology topology, TopicCatalogue topics, Optional<Instant> publishedUpTo, int cachedKeys) {
        var raw = topics.rawObservations();
        var valid = topics.validObservations();
        var rejected = topics.rejectedObservations();

        topology.addSource("raw-observations-source", raw.keySerde().deserializer(), raw.valueSerde().deserializer(), raw.name());
        String validParent = publishedUpTo.isPresent() ? AS_OF_FILTER : "validate";
        topology.addProcessor("validate", () -> new ValidateProcessor(topics.serdes(),
                publishedUpTo.isPresent() ? AS_OF_FILTER : ValidateProcessor.VALID_SINK), "raw-observations-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(VALIDATION_COUNTS_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled(), "validate");
        if (publishedUpTo.isPresent()) {
            long cutoff = publishedUpTo.get().toEpochMilli();
            topology.addProcessor(AS_OF_FILTER, () -> new AsOfFilterProcessor(cutoff), "validate");
            topology.connectProcessorAndStateStores(AS_OF_FILTER, VALIDATION_COUNTS_STORE);
        }
        topology.addSink(ValidateProcessor.VALID_SINK, valid.name(), valid.keySerde().serializer(),
                valid.valueSerde().serializer(), new SeriesPartitioner<>(), validParent);
        topology.addSink(ValidateProcessor.REJECTED_SINK, rejected.name(), rejected.keySerde().serializer(),
                rejected.valueSerde().serializer(), "validate");

        // The latest processor is the one writer of the history store, whose changelog is the valid
        // topic: Kafka Streams' read-only state store. Its processor is typed to forward nothing, but
        // the latest processor forwards each change of winner to the two children added below (the
        // sink with the bytes the winner was read from); the raw cast only widens the output type the
        // API declares.
        HistoryStoreSupplier history = new HistoryStoreSupplier(LATEST_HISTORY_STORE, valid.valueSerde().deserializer());
        @SuppressWarnings({"unchecked", "rawtypes"})
        ProcessorSupplier<ObservationKey, LatestProcessor.Received, Void, Void> latest = () -> (Processor) new LatestProcessor(cachedKeys);
        topology.addReadOnlyStateStore(Stores.keyValueStoreBuilder(history, Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled(),
                "valid-observations-source", valid.keySerde().deserializer(),
                LatestProcessor.Received.deserializer(valid.valueSerde().deserializer()), valid.name(),
                LATEST_PROCESSOR, latest);
        // Partitioned like the valid topic, by series: the derived application reads a whole series from
        // its latest store without a repartition (periods, growth), and its joins on the latest table
        // locate keys with the same partitioner.
        topology.addSink(LatestProcessor.LATEST_SINK, topics.latest().name(), topics.latest().keySerde().serializer(),
                LatestProcessor.Received.serializer(topics.latest().valueSerde().serializer()), new SeriesPartitioner<>(), LATEST_PROCESSOR);

        topology.addProcessor(CURRENT_PROCESSOR, () -> new CurrentProcessor(cachedKeys), LATEST_PROCESSOR);
        var current = topics.current();
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CURRENT_STORE), current.keySerde(), current.valueSerde()).withCachingEnabled(), CURRENT_PROCESSOR);
        topology.addSink("current-sink", current.name(), current.keySerde().serializer(), current.valueSerde().serializer(), CURRENT_PROCESSOR);
    }

    /**
     * Observations dropped by the publication cutoff, from a (possibly multi-partition) view of
     * {@link #VALIDATION_COUNTS_STORE}; 0 without a cutoff.
     */
    public static long excludedByCutoff(ReadOnlyKeyValueStore<String, Long> validationCounts) {
        return AsOfFilterProcessor.excluded(validationCounts);
    }
}
