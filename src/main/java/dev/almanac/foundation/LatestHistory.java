package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The layout of the latest table's history store: every vintage ever accepted, one entry per
 * (indicator, region, period, published, id), holding the observation as the valid topic holds it.
 *
 * <p>The key is {@code indicator \0 region \0 period \0 published id}: the three key fields in UTF-8,
 * each ended by a zero byte (validation admits none inside them), then the publication time as 8
 * big-endian bytes with the sign bit flipped (so byte order is time order, before 1970 too), then the
 * observation id in UTF-8. Byte order is therefore key order, then time order; the vintages of one
 * key are contiguous, and so are the keys of one indicator or one (indicator, region), which makes
 * every lookup a prefix or range scan: the winner of a key is the last entry of its range, its value
 * as of a time the last entry at or before that time.
 *
 * <p>Because every vintage has its own entry, the store is a set: the result does not depend on the
 * order in which vintages arrive, and the store can be rebuilt from the valid topic alone (it is the
 * store's changelog, see {@link HistoryStoreSupplier}).
 */
public final class LatestHistory {

    private static final byte END = 0;
    /** Greater than every byte of UTF-8 text: closes a range after all ids of one publication time. */
    private static final byte AFTER_ANY_ID = (byte) 0xFF;

    private LatestHistory() {
    }

    /** The bytes shared by every vintage of a key. */
    public static byte[] keyPrefix(String indicator, String region, String period) {
        return concat(field(indicator), field(region), field(period));
    }

    /** The bytes shared by every vintage of every period of (indicator, region). */
    public static byte[] seriesPrefix(String indicator, String region) {
        return concat(field(indicator), field(region));
    }

    /** The bytes shared by every vintage of an indicator. */
    public static byte[] indicatorPrefix(String indicator) {
        return field(indicator);
    }

    static byte[] entryKey(byte[] keyPrefix, long published, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(keyPrefix.length + 8 + idBytes.length)
                .put(keyPrefix).putLong(published ^ Long.MIN_VALUE).put(idBytes).array();
    }

    /** The entry key of an observation. */
    static byte[] entryKey(IndicatorObservation o) {
        return entryKey(keyPrefix(o.getIndicator(), o.getRegion(), o.getPeriod()), o.getPublished().toEpochMilli(), o.getId());
    }

    /** The last key of {@code keyPrefix}'s range that was published at or before {@code asOf}. */
    static byte[] upTo(byte[] keyPrefix, long asOf) {
        byte[] bound = Arrays.copyOf(keyPrefix, keyPrefix.length + 9);
        ByteBuffer.wrap(bound, keyPrefix.length, 8).putLong(asOf ^ Long.MIN_VALUE);
        bound[bound.length - 1] = AFTER_ANY_ID;
        return bound;
    }

    /** A parsed entry key. */
    public record Vintage(String indicator, String region, String period, long published, String id) {

        /** The key prefix of this vintage's (indicator, region, period). */
        public ObservationKey key() {
            return new ObservationKey(indicator, region, period);
        }

        boolean sameKey(Vintage other) {
            return other != null && indicator.equals(other.indicator) && region.equals(other.region) && period.equals(other.period);
        }

        /** The tie rule: the greater publication time wins, then the greater id. */
        boolean beats(long otherPublished, String otherId) {
            return LatestProcessor.beats(published, id, otherPublished, otherId);
        }
    }

    /** Parses an entry key. */
    public static Vintage parse(byte[] key) {
        int a = indexOf(key, 0);
        int b = indexOf(key, a + 1);
        int c = indexOf(key, b + 1);
        long published = ByteBuffer.wrap(key, c + 1, 8).getLong() ^ Long.MIN_VALUE;
        return new Vintage(text(key, 0, a), text(key, a + 1, b), text(key, b + 1, c), published,
                text(key, c + 9, key.length));
    }

    /**
     * The winning vintage of a key among those published at or before {@code asOf} (the newest
     * publication time; of several at that time, the greatest id), or null. Reads only as far back
     * as the newest publication time, whatever the length of the key's history.
     */
    static KeyValue<Vintage, byte[]> winner(ReadOnlyKeyValueStore<Bytes, byte[]> store, byte[] keyPrefix, long asOf) {
        KeyValue<Vintage, byte[]> best = null;
        try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(Bytes.wrap(keyPrefix), Bytes.wrap(upTo(keyPrefix, asOf)))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                Vintage v = parse(entry.key.get());
                if (best != null && v.published() != best.key.published()) {
                    break;
                }
                if (best == null || v.beats(best.key.published(), best.key.id())) {
                    best = KeyValue.pair(v, entry.value);
                }
            }
        }
        return best;
    }

    /** What decides between two vintages of a key: the publication time, then the id. */
    record Stamp(long published, String id) {

        boolean beats(Stamp other) {
            return other == null || LatestProcessor.beats(published, id, other.published, other.id);
        }
    }

    /**
     * The winner now of every period of a series, by period, from one forward read of the series
     * ({@code seriesPrefix}: {@link #seriesPrefix}); or null when the series has more than {@code limit}
     * vintages (reading stops there).
     */
    static java.util.Map<String, Stamp> seriesWinners(ReadOnlyKeyValueStore<Bytes, byte[]> store, byte[] seriesPrefix, int limit) {
        java.util.Map<String, Stamp> winners = new java.util.HashMap<>();
        byte[] after = seriesPrefix.clone();
        after[after.length - 1] = END + 1; // just past every key of the series
        int read = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(seriesPrefix), Bytes.wrap(after))) {
            byte[] period = null;
            int periodEnd = 0;
            String periodText = null;
            while (it.hasNext()) {
                if (++read > limit) {
                    return null;
                }
                byte[] key = it.next().key.get();
                int end = indexOf(key, seriesPrefix.length);
                if (period == null || !Arrays.equals(key, seriesPrefix.length, end, period, seriesPrefix.length, periodEnd)) {
                    period = key;
                    periodEnd = end;
                    periodText = text(key, seriesPrefix.length, end);
                }
                Stamp stamp = new Stamp(published(key, end), text(key, end + 9, key.length));
                if (stamp.beats(winners.get(periodText))) {
                    winners.put(periodText, stamp);
                }
            }
        }
        return winners;
    }

    /**
     * Read access for queries, the CLI and tests: decodes the stored observations with the valid
     * topic's value deserializer.
     */
    public static final class Reader {
        private final ReadOnlyKeyValueStore<Bytes, byte[]> store;
        private final Deserializer<IndicatorObservation> values;
        private final String topic;

        public Reader(ReadOnlyKeyValueStore<Bytes, byte[]> store, Deserializer<IndicatorObservation> values, String topic) {
            this.store = store;
            this.values = values;
            this.topic = topic;
        }

        /** The winner of a key as of {@code asOf} (Long.MAX_VALUE: now), or null. */
        public IndicatorObservation get(ObservationKey key, long asOf) {
            KeyValue<Vintage, byte[]> w = winner(store, keyPrefix(key.getIndicator(), key.getRegion(), key.getPeriod()), asOf);
            return w == null ? null : decode(w.value);
        }

        /**
         * The winner of every key under {@code prefix} (null: all keys) as of {@code asOf}, in key
         * order; keys with no vintage by then are left out.
         */
        public void winners(byte[] prefix, long asOf, Consumer<IndicatorObservation> out) {
            // Works on the key bytes (key fields, publication time) without parsing them into strings:
            // a scan reads every vintage, but only each key's winner is decoded.
            try (KeyValueIterator<Bytes, byte[]> it = prefix == null || prefix.length == 0 ? store.all()
                    : store.prefixScan(Bytes.wrap(prefix), org.apache.kafka.common.serialization.Serdes.Bytes().serializer())) {
                byte[] best = null;
                int bestEnd = 0;
                long bestPublished = 0;
                byte[] bestValue = null;
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = it.next();
                    byte[] key = entry.key.get();
                    int end = keyEnd(key);
                    if (best != null && !Arrays.equals(key, 0, end, best, 0, bestEnd)) {
                        out.accept(decode(bestValue));
                        best = null;
                    }
                    long published = published(key, end);
                    if (published <= asOf && (best == null || published > bestPublished
                            || (published == bestPublished && LatestProcessor.beats(published, text(key, end + 9, key.length),
                                    bestPublished, text(best, bestEnd + 9, best.length))))) {
                        best = key;
                        bestEnd = end;
                        bestPublished = published;
                        bestValue = entry.value;
                    }
                }
                if (best != null) {
                    out.accept(decode(bestValue));
                }
            }
        }

        /**
         * The indicators present, in order, found by skipping from one indicator's keys to the next:
         * one short seek per indicator, however many keys each has.
         */
        public List<String> indicators() {
            List<String> out = new ArrayList<>();
            Bytes from = null;
            while (true) {
                try (KeyValueIterator<Bytes, byte[]> it = store.range(from, null)) {
                    if (!it.hasNext()) {
                        return out;
                    }
                    String indicator = parse(it.next().key.get()).indicator();
                    out.add(indicator);
                    byte[] next = indicatorPrefix(indicator);
                    next[next.length - 1] = END + 1; // just past every key of this indicator
                    from = Bytes.wrap(next);
                }
            }
        }

        /**
         * The winners (as of {@code asOf}) of every key whose region starts with {@code regionPrefix}
         * (a region and its end byte for exactly that region; see {@link RegionIndex}): one prefix scan
         * per indicator, so only the rows of those regions are read, with no index to maintain.
         */
        public void regionWinners(String regionPrefix, long asOf, Consumer<IndicatorObservation> out) {
            byte[] region = regionPrefix.getBytes(StandardCharsets.UTF_8);
            for (String indicator : indicators()) {
                winners(concat(indicatorPrefix(indicator), region), asOf, out);
            }
        }

        /** The keys (indicator, region, period) whose region starts with {@code regionPrefix}, in key order. */
        public List<ObservationKey> regionKeys(String regionPrefix) {
            byte[] region = regionPrefix.getBytes(StandardCharsets.UTF_8);
            List<ObservationKey> keys = new ArrayList<>();
            for (String indicator : indicators()) {
                keys.addAll(keys(concat(indicatorPrefix(indicator), region)));
            }
            return keys;
        }

        /**
         * How many keys under {@code prefix} (null or empty: all) have a vintage published at or before
         * {@code asOf}: the number of rows {@link #winners} gives, from the keys alone, without decoding
         * any observation or building any string.
         */
        public long count(byte[] prefix, long asOf) {
            long n = 0;
            try (KeyValueIterator<Bytes, byte[]> it = prefix == null || prefix.length == 0 ? store.all()
                    : store.prefixScan(Bytes.wrap(prefix), org.apache.kafka.common.serialization.Serdes.Bytes().serializer())) {
                byte[] counted = null;
                int countedEnd = 0;
                while (it.hasNext()) {
                    byte[] key = it.next().key.get();
                    int end = keyEnd(key);
                    if (counted != null && Arrays.equals(key, 0, end, counted, 0, countedEnd)) {
                        continue; // this key was counted already
                    }
                    long published = published(key, end);
                    if (published <= asOf) {
                        n++;
                        counted = key;
                        countedEnd = end;
                    }
                }
            }
            return n;
        }

        /** How many keys whose region starts with {@code regionPrefix} have a vintage by {@code asOf}: the rows of {@link #regionWinners}. */
        public long regionCount(String regionPrefix, long asOf) {
            byte[] region = regionPrefix.getBytes(StandardCharsets.UTF_8);
            long n = 0;
            for (String indicator : indicators()) {
                n += count(concat(indicatorPrefix(indicator), region), asOf);
            }
            return n;
        }

        /** How many keys have a winner now, without decoding any observation. */
        public long count() {
            return keys(null).size();
        }

        /** Every winner now by key, in key order. */
        public java.util.Map<ObservationKey, IndicatorObservation> table() {
            java.util.Map<ObservationKey, IndicatorObservation> table = new java.util.LinkedHashMap<>();
            winners(null, Long.MAX_VALUE, o -> table.put(new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod()), o));
            return table;
        }

        /** Every winner now, in key order. */
        public List<IndicatorObservation> all() {
            List<IndicatorObservation> all = new ArrayList<>();
            winners(null, Long.MAX_VALUE, all::add);
            return all;
        }

        /**
         * The vintages of one key published at or before {@code asOf}, oldest first, one per publication
         * time (of several at one time, the greatest id: the one that stood).
         */
        public List<IndicatorObservation> vintages(ObservationKey key, long asOf) {
            List<KeyValue<Vintage, byte[]>> kept = new ArrayList<>();
            byte[] prefix = keyPrefix(key.getIndicator(), key.getRegion(), key.getPeriod());
            try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(prefix), Bytes.wrap(upTo(prefix, asOf)))) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = it.next();
                    Vintage v = parse(entry.key.get());
                    KeyValue<Vintage, byte[]> last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
                    if (last != null && last.key.published() == v.published()) {
                        if (v.beats(last.key.published(), last.key.id())) {
                            kept.set(kept.size() - 1, KeyValue.pair(v, entry.value));
                        }
                    } else {
                        kept.add(KeyValue.pair(v, entry.value));
                    }
                }
            }
            List<IndicatorObservation> out = new ArrayList<>(kept.size());
            kept.forEach(kv -> out.add(decode(kv.value)));
            return out;
        }

        /** The keys (indicator, region, period) with at least one vintage under {@code prefix} (null or empty: all), in key order. */
        public List<ObservationKey> keys(byte[] prefix) {
            List<ObservationKey> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = prefix == null || prefix.length == 0 ? store.all()
                    : store.prefixScan(Bytes.wrap(prefix), org.apache.kafka.common.serialization.Serdes.Bytes().serializer())) {
                Vintage last = null;
                while (it.hasNext()) {
                    Vintage v = parse(it.next().key.get());
                    if (!v.sameKey(last)) {
                        keys.add(v.key());
                        last = v;
                    }
                }
            }
            return keys;
        }

        /**
         * Of the periods of (indicator, region) whose frequency {@code frequencyOf} maps to {@code frequency},
         * the newest one with a vintage published at or before {@code asOf}, and that vintage; or null.
         * One prefix scan over the series' history.
         */
        public IndicatorObservation newestPeriod(String indicator, String region, long asOf,
                                                 java.util.function.Predicate<String> periodMatches,
                                                 java.util.Comparator<String> periodOrder) {
            IndicatorObservation[] best = {null};
            winners(seriesPrefix(indicator, region), asOf, o -> {
                if (periodMatches.test(o.getPeriod())
                        && (best[0] == null || periodOrder.compare(o.getPeriod(), best[0].getPeriod()) >= 0)) {
                    best[0] = o;
                }
            });
            return best[0];
        }

        private IndicatorObservation decode(byte[] value) {
            return values.deserialize(topic, value);
        }
    }

    private static byte[] field(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
        out[bytes.length] = END;
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /** The offset of the zero byte that ends an entry key's third field (its period). */
    private static int keyEnd(byte[] key) {
        return indexOf(key, indexOf(key, indexOf(key, 0) + 1) + 1);
    }

    /** An entry key's publication time; {@code end} is its {@link #keyEnd}. */
    private static long published(byte[] key, int end) {
        return ByteBuffer.wrap(key, end + 1, 8).getLong() ^ Long.MIN_VALUE;
    }

    private static int indexOf(byte[] key, int from) {
        for (int i = from; i < key.length; i++) {
            if (key[i] == END) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a history key: missing field end");
    }

    private static String text(byte[] key, int from, int to) {
        return new String(key, from, to - from, StandardCharsets.UTF_8);
    }
}
