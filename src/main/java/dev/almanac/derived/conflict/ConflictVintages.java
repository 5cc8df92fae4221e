package dev.almanac.derived.conflict;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.kafka.SeriesCache;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Period;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The vintages store every conflicts table reads: each valid observation under
 * {@code indicator \0 region \0 frequency \0 end \0 start \0 period \0 id}, holding its bytes as the valid
 * topic holds them. Within a series (indicator, region, frequency) the keys sort in period order
 * ({@link Period#NEWEST_LAST}: end date, start date, text), and the vintages of one period are contiguous, so
 * a period's vintages and its neighbouring periods are range reads. Validation admits no zero byte in the
 * key fields.
 *
 * <p>Every valid observation is one entry, so the store is a set (independent of arrival order) and the
 * valid topic is its changelog ({@link dev.almanac.kafka.SourceTopicStoreSupplier}): the table's state
 * costs no writes of its own.
 */
final class ConflictVintages {

    private ConflictVintages() {
    }

    /** The prefix of every key of one series. */
    static String seriesPrefix(String indicator, String region, Frequency frequency) {
        return indicator + '\u0000' + region + '\u0000' + frequency.name() + '\u0000';
    }

    /** A period's key within its series: its vintages' keys are this, a zero byte, and their id. */
    static String periodKey(String indicator, String region, Period period) {
        return seriesPrefix(indicator, region, period.frequency()) + period.end() + '\u0000' + period.start() + '\u0000' + period.text();
    }

    static Bytes entryKey(String periodKey, String id) {
        return Bytes.wrap((periodKey + '\u0000' + id).getBytes(StandardCharsets.UTF_8));
    }

    /** The store key of a valid observation, or null when its period does not parse (the table skips it). */
    static byte[] entryKey(IndicatorObservation o) {
        Period period = Period.tryParse(o.getPeriod()).orElse(null);
        return period == null ? null : entryKey(periodKey(o.getIndicator(), o.getRegion(), period), o.getId()).get();
    }

    private static Bytes bound(String periodKey, char after) {
        return Bytes.wrap((periodKey + after).getBytes(StandardCharsets.UTF_8));
    }

    private static Bytes bound(byte[] periodKey, byte after) {
        byte[] b = java.util.Arrays.copyOf(periodKey, periodKey.length + 1);
        b[periodKey.length] = after;
        return Bytes.wrap(b);
    }

    /**
     * The period key of an entry key: the bytes before its sixth zero byte. The five before it separate
     * indicator, region, frequency, end, start and period text, none of which may hold a zero byte; the id
     * after it may.
     */
    static byte[] periodKeyOf(byte[] entryKey) {
        int zeros = 0;
        for (int i = 0; i < entryKey.length; i++) {
            if (entryKey[i] == 0 && ++zeros == 6) {
                return java.util.Arrays.copyOf(entryKey, i);
            }
        }
        throw new IllegalArgumentException("not a vintages-store key: " + new String(entryKey, StandardCharsets.UTF_8));
    }

    /** Whether {@code entryKey} is the key of a vintage of the period {@code periodKey}: it starts with the period key and a zero byte. */
    static boolean inPeriod(byte[] entryKey, byte[] periodKey) {
        return entryKey.length > periodKey.length && entryKey[periodKey.length] == 0
                && java.util.Arrays.equals(entryKey, 0, periodKey.length, periodKey, 0, periodKey.length);
    }

    /**
     * What a new or replaced vintage changed, as the conflicts tables need it: the period's other vintages
     * (other ids), the version of the same id it replaced (or null), and, only when the period's latest
     * vintage changed, the vintages of the periods just before and just after it in the series (empty when
     * there is none, or when the latest vintage stayed: the period jumps depend on it alone).
     */
    record Change(IndicatorObservation observation, Period period, SeriesPoint point, SeriesPoint replaced,
                  List<SeriesPoint> others, List<SeriesPoint> previous, List<SeriesPoint> next) {

        /** The period's vintages with this one. */
        List<SeriesPoint> now() {
            List<SeriesPoint> now = new ArrayList<>(others.size() + 1);
            now.addAll(others);
            now.add(point);
            return now;
        }

        /** The period's vintages as they were before this one arrived. */
        List<SeriesPoint> before() {
            List<SeriesPoint> before = new ArrayList<>(others.size() + 1);
            before.addAll(others);
            if (replaced != null) {
                before.add(replaced);
            }
            return before;
        }
    }

    /**
     * The one writer of the vintages store: files each valid observation under its key and forwards the
     * change to every conflicts table (its children), with the version of the same id it replaced. An
     * observation re-sent unchanged changes nothing and is not forwarded.
     */
    static final class Writer implements Processor<byte[], byte[], byte[], Change> {
        private final String storeName;
        private final String topic;
        private final Deserializer<IndicatorObservation> values;
        private final int cachedPoints;
        private ProcessorContext<byte[], Change> context;
        private KeyValueStore<Bytes, byte[]> store;
        private SeriesCache<CachedSeries> cache;

        /** @param cachedPoints how many points this writer's {@link SeriesCache} holds (0: read every record from the store) */
        Writer(String storeName, String topic, Deserializer<IndicatorObservation> values, int cachedPoints) {
            this.storeName = storeName;
            this.topic = topic;
            this.values = values;
            this.cachedPoints = cachedPoints;
        }

        /**
         * A new cache on every initialisation (see {@link SeriesCache}). From RocksDB, a record's period and
         * neighbouring periods are a reverse read and a forward read through a memtable of tens of thousands of
         * entries, where each reverse step searches the memtable again: a third of the derived stream thread.
         */
        @Override
        public void init(ProcessorContext<byte[], Change> context) {
            this.context = context;
            this.store = context.getStateStore(storeName);
            this.cache = new SeriesCache<>(cachedPoints, ConflictTopology.MAX_SERIES_POINTS, CachedSeries::size);
        }

        @Override
        public void close() {
            cache.clear();
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (record.value() == null) {
                return; // the valid topic holds no tombstones
            }
            IndicatorObservation o = values.deserialize(topic, record.value());
            Period period = Period.tryParse(o.getPeriod()).orElse(null);
            if (period == null) {
                return;
            }
            String series = seriesPrefix(o.getIndicator(), o.getRegion(), period.frequency());
            String periodKeyText = periodKey(o.getIndicator(), o.getRegion(), period);
            byte[] periodKey = periodKeyText.getBytes(StandardCharsets.UTF_8);
            Bytes key = entryKey(periodKeyText, o.getId());
            SeriesPoint point = SeriesPoints.of(o);
            CachedSeries cached = cache.enabled() ? cachedSeries(series) : null;
            Change change = cached != null ? fromCache(cached, o, period, periodKey, key, point)
                    : fromStore(series, o, period, periodKey, key, point);
            // The store holds each id's last bytes, as a restore from the topic would.
            store.put(key, record.value());
            if (cached != null && cached.put(periodKey, key, point)) {
                cache.grew(series, cached, 1);
            }
            if (change != null) {
                context.forward(record.withValue(change));
            }
        }

        /** The series' vintages from the cache, loaded into it if need be; null when it is too long to cache or the cache is not loading. */
        private CachedSeries cachedSeries(String series) {
            CachedSeries cached = cache.get(series);
            if (cached != null || cache.tooLong(series) || !cache.loading()) {
                return cached;
            }
            CachedSeries loaded = new CachedSeries();
            try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(series.getBytes(StandardCharsets.UTF_8)),
                    bound(series.substring(0, series.length() - 1), '\u0001'))) {
                while (it.hasNext()) {
                    if (loaded.size() == cache.maxSeriesEntries()) {
                        cache.tooLong(series, loaded.size());
                        return null;
                    }
                    KeyValue<Bytes, byte[]> e = it.next();
                    loaded.put(periodKeyOf(e.key.get()), e.key, SeriesPoints.of(values.deserialize(topic, e.value)));
                }
            }
            cache.add(series, loaded, loaded.size());
            return loaded;
        }

        /**
         * The change from a cached series: the same lists, in the same order, as {@link #fromStore} reads
         * (the period's other vintages and the previous period newest key first, the next period oldest
         * first), or null when the vintage is unchanged.
         */
        private static Change fromCache(CachedSeries cached, IndicatorObservation o, Period period,
                                        byte[] periodKey, Bytes key, SeriesPoint point) {
            SeriesPoint replaced = null;
            List<SeriesPoint> others = new ArrayList<>(4);
            TreeMap<Bytes, SeriesPoint> vintages = cached.periods.get(periodKey);
            if (vintages != null) {
                for (Map.Entry<Bytes, SeriesPoint> e : vintages.descendingMap().entrySet()) {
                    if (e.getKey().equals(key)) {
                        replaced = e.getValue();
                    } else {
                        others.add(e.getValue());
                    }
                }
            }
            if (point.equals(replaced)) {
                return null;
            }
            List<SeriesPoint> previous = List.of();
            List<SeriesPoint> next = List.of();
            if (latestChanges(others, point, replaced)) {
                Map.Entry<byte[], TreeMap<Bytes, SeriesPoint>> before = cached.periods.lowerEntry(periodKey);
                if (before != null) {
                    previous = new ArrayList<>(before.getValue().descendingMap().values());
                }
                Map.Entry<byte[], TreeMap<Bytes, SeriesPoint>> after = cached.periods.higherEntry(periodKey);
                if (after != null) {
                    next = new ArrayList<>(after.getValue().values());
                }
            }
            return new Change(o, period, point, replaced, others, previous, next);
        }

        /**
         * The change read from the store, or null when the vintage is unchanged. One reverse read from this
         * period's last vintage back into the previous period gives the period's vintages, the version this
         * id replaces and, when needed, the previous period; one forward read gives the next. (A get of the
         * id's old version first and a range of the period after would be two more reads per record, and a
         * get of a missing key is the dearest RocksDB call from Java.)
         */
        private Change fromStore(String series, IndicatorObservation o, Period period, byte[] periodKey, Bytes key, SeriesPoint point) {
            SeriesPoint replaced = null;
            List<SeriesPoint> others = new ArrayList<>(4);
            List<SeriesPoint> previous = List.of();
            List<SeriesPoint> next = List.of();
            try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(Bytes.wrap(series.getBytes(StandardCharsets.UTF_8)),
                    bound(periodKey, (byte) 1))) {
                KeyValue<Bytes, byte[]> beyond = null;
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> e = it.next();
                    if (!inPeriod(e.key.get(), periodKey)) {
                        beyond = e;
                        break;
                    }
                    SeriesPoint p = SeriesPoints.of(values.deserialize(topic, e.value));
                    if (e.key.equals(key)) {
                        replaced = p;
                    } else {
                        others.add(p);
                    }
                }
                if (point.equals(replaced)) {
                    return null;
                }
                if (latestChanges(others, point, replaced)) {
                    if (beyond != null) {
                        previous = restOfPeriod(beyond, it);
                    }
                    try (KeyValueIterator<Bytes, byte[]> after = store.range(bound(periodKey, (byte) 1),
                            bound(series.substring(0, series.length() - 1), '\u0001'))) {
                        if (after.hasNext()) {
                            next = restOfPeriod(after.next(), after);
                        }
                    }
                }
            }
            return new Change(o, period, point, replaced, others, previous, next);
        }

        /** Whether the period's latest vintage differs with {@code point} from what it was with {@code replaced}. */
        private static boolean latestChanges(List<SeriesPoint> others, SeriesPoint point, SeriesPoint replaced) {
            SeriesPoint before = replaced;
            SeriesPoint now = point;
            for (SeriesPoint p : others) {
                if (before == null || ConflictDetector.VINTAGE.compare(p, before) > 0) {
                    before = p;
                }
                if (ConflictDetector.VINTAGE.compare(p, now) > 0) {
                    now = p;
                }
            }
            return !now.equals(before);
        }

        /** {@code first} and the entries after it in {@code it} that share its period, decoded. */
        private List<SeriesPoint> restOfPeriod(KeyValue<Bytes, byte[]> first, KeyValueIterator<Bytes, byte[]> it) {
            byte[] period = periodKeyOf(first.key.get());
            List<SeriesPoint> out = new ArrayList<>(4);
            out.add(SeriesPoints.of(values.deserialize(topic, first.value)));
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                if (!inPeriod(e.key.get(), period)) {
                    break;
                }
                out.add(SeriesPoints.of(values.deserialize(topic, e.value)));
            }
            return out;
        }
    }

    /**
     * A cached series of the vintages store, as the store orders it: its periods by period key, each with its
     * vintages by entry key. Kept per period rather than as one map of entry keys, so that a record finds its
     * period, and the periods before and after it, by comparing period keys once each, instead of walking a
     * map of long keys that share the series prefix (a third of the conflicts writer's time).
     */
    static final class CachedSeries {
        /** Unsigned byte order, as RocksDB orders the keys: a period key sorts as its entries' keys do, since none holds a zero byte. */
        final TreeMap<byte[], TreeMap<Bytes, SeriesPoint>> periods = new TreeMap<>(java.util.Arrays::compareUnsigned);
        private int size;

        /** How many vintages the series holds. */
        int size() {
            return size;
        }

        /** Files {@code point} under {@code key} in the period {@code periodKey}; true when it is a new entry. */
        boolean put(byte[] periodKey, Bytes key, SeriesPoint point) {
            if (periods.computeIfAbsent(periodKey, k -> new TreeMap<>()).put(key, point) == null) {
                size++;
                return true;
            }
            return false;
        }
    }
}
