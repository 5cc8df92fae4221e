package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.SeriesCache;
import dev.almanac.serde.WireFormat;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps, per (indicator, region, period), the observation with the greatest {@code published}; ties go
 * to the greater {@code id}. Every vintage goes into the history store (a set, so the winner depends
 * only on the set of observations, never on arrival order); only a change of winner is forwarded.
 * Per record: the key's winner from a cache of whole series' winners (else one reverse range read that
 * stops at the newest publication time), and one put, whatever the length of the key's history.
 */
final class LatestProcessor implements Processor<ObservationKey, LatestProcessor.Received, ObservationKey, Object> {

    /**
     * A valid observation with the bytes it was read from. The history holds observations as the valid
     * topic (its changelog) does, so those bytes go into it as they are: encoding the observation again
     * took a twentieth of the foundation thread.
     */
    record Received(IndicatorObservation observation, byte[] bytes) {

        /** Reads what {@code values} reads, keeping the bytes. */
        static Deserializer<Received> deserializer(Deserializer<IndicatorObservation> values) {
            return (topic, data) -> data == null ? null : new Received(values.deserialize(topic, data), data);
        }

        /**
         * Writes the bytes the observation was read from when they carry the schema id {@code values} gives the
         * topic, else what {@code values} writes: encoding the latest value again took 4 % of the foundation
         * thread (async-profiler, 2026-12-04), though the valid topic's bytes hold it already. The id is
         * learnt from the first record {@code values} encodes for a topic; the valid and latest topics' subjects
         * give the one schema one id, and bytes of any other schema (written by an older version) are
         * encoded again.
         */
        static Serializer<Received> serializer(Serializer<IndicatorObservation> values) {
            Map<String, Integer> ids = new ConcurrentHashMap<>();
            return (topic, received) -> {
                if (received == null) {
                    return null;
                }
                Integer id = ids.get(topic);
                byte[] same = id == null ? null : WireFormat.framedWith(received.bytes(), id);
                if (same != null) {
                    return same;
                }
                byte[] encoded = values.serialize(topic, received.observation());
                int encodedId = WireFormat.schemaIdOrNone(encoded);
                if (id == null && encodedId >= 0) {
                    ids.put(topic, encodedId);
                }
                return encoded;
            };
        }
    }

    /** The sink of the latest topic: it is handed each new winner with the bytes it was read from. */
    static final String LATEST_SINK = "latest-sink";

    private final int cachedKeys;
    private ProcessorContext<ObservationKey, Object> context;
    private KeyValueStore<Bytes, byte[]> history;
    private SeriesCache<Map<String, LatestHistory.Stamp>> winners;

    /** @param cachedKeys how many keys' winners the processor keeps in memory (0: read every record's winner from the store) */
    LatestProcessor(int cachedKeys) {
        this.cachedKeys = cachedKeys;
    }

    /**
     * A new cache of winners by series on every initialisation (see {@link SeriesCache}). Reading a key's
     * winner from RocksDB, a range read through a memtable of tens of thousands of entries, took a fifth of
     * the foundation thread; most keys have no vintage yet, and only a whole series in memory knows that.
     */
    @Override
    public void init(ProcessorContext<ObservationKey, Object> context) {
        this.context = context;
        this.history = context.getStateStore(FoundationTopology.LATEST_HISTORY_STORE);
        this.winners = new SeriesCache<>(cachedKeys, FoundationTopology.MAX_SERIES_VINTAGES, Map::size);
        // The history's puts wait for a read on this thread (SortedBatchWrites), and Kafka Streams flushes
        // the store only now and then under exactly-once. Interactive queries read it from other threads, so
        // a read on a timer writes the waiting puts: queries see the history at most a commit interval late,
        // and the last records of a burst are not left waiting for the next one.
        context.schedule(Duration.ofMillis(commitIntervalMs(context.appConfigs())), PunctuationType.WALL_CLOCK_TIME,
                now -> history.approximateNumEntries());
    }

    private static long commitIntervalMs(Map<String, Object> configs) {
        Object configured = configs.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        long ms = configured == null ? 100 : Long.parseLong(configured.toString());
        return Math.max(10, ms);
    }

    @Override
    public void close() {
        winners.clear();
    }

    @Override
    public void process(Record<ObservationKey, Received> record) {
        if (record.value() == null || record.value().observation() == null) {
            return;
        }
        IndicatorObservation candidate = record.value().observation();
        ObservationKey key = record.key();
        byte[] prefix = LatestHistory.keyPrefix(key.getIndicator(), key.getRegion(), key.getPeriod());
        long published = candidate.getPublished().toEpochMilli();
        String series = key.getIndicator() + '\u0000' + key.getRegion();
        Map<String, LatestHistory.Stamp> cached = winners.enabled() ? cachedSeries(series, key) : null;
        LatestHistory.Stamp winner;
        if (cached != null) {
            winner = cached.get(key.getPeriod());
        } else {
            KeyValue<LatestHistory.Vintage, byte[]> stored = LatestHistory.winner(history, prefix, Long.MAX_VALUE);
            winner = stored == null ? null : new LatestHistory.Stamp(stored.key.published(), stored.key.id());
        }
        history.put(Bytes.wrap(LatestHistory.entryKey(prefix, published, candidate.getId())), record.value().bytes());
        LatestHistory.Stamp stamp = new LatestHistory.Stamp(published, candidate.getId());
        if (stamp.beats(winner)) {
            if (cached != null && cached.put(key.getPeriod(), stamp) == null) {
                winners.grew(series, cached, 1);
            }
            context.forward(new Record<>(key, record.value(), published), LATEST_SINK);
            context.forward(new Record<>(key, candidate, published), FoundationTopology.CURRENT_PROCESSOR);
        }
    }

    /** The winners of {@code series} by period, loaded into the cache if need be; null when it is too long to cache or the cache is not loading. */
    private Map<String, LatestHistory.Stamp> cachedSeries(String series, ObservationKey key) {
        Map<String, LatestHistory.Stamp> cached = winners.get(series);
        if (cached != null || winners.tooLong(series) || !winners.loading()) {
            return cached;
        }
        int limit = winners.maxSeriesEntries();
        Map<String, LatestHistory.Stamp> loaded = LatestHistory.seriesWinners(history,
                LatestHistory.seriesPrefix(key.getIndicator(), key.getRegion()), limit);
        if (loaded == null) {
            winners.tooLong(series, limit);
        } else {
            winners.add(series, loaded, loaded.size());
        }
        return loaded;
    }

    static boolean beats(long published, String id, long otherPublished, String otherId) {
        return published > otherPublished || (published == otherPublished && id.compareTo(otherId) > 0);
    }
}
