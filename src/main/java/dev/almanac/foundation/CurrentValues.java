package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.Topic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The layout of the current-value store ({@link FoundationTopology#CURRENT_STORE}): per (indicator, region,
 * frequency) the latest vintage of the newest period, as raw bytes. Key and value are the current topic's
 * {@link SeriesKey} and {@link IndicatorObservation} in the Confluent Avro frame, serialized for the store's
 * changelog topic: the very bytes the store held when Kafka Streams serialized them, so state and changelogs
 * written before the store held raw bytes read the same.
 *
 * <p>Raw bytes let a reader count entries without decoding them and decode only the values it returns
 * (a typed store decodes every key and value its iterator passes). Keys of one indicator, or of one
 * (indicator, region), share a byte prefix: every string of an Avro record is its zig-zag length then
 * its bytes, so the encoding of the leading fields is a prefix of exactly the keys that start with those
 * values ({@link #prefix}).
 */
public final class CurrentValues {

    private static final Serializer<Bytes> BYTES = Serdes.Bytes().serializer();

    private final Topic<SeriesKey, IndicatorObservation> current;
    private final String changelog;

    /**
     * @param current the current topic, whose serdes encode the store's keys and values
     * @param changelog the store's changelog topic (see {@link #changelogTopic}): the bytes are encoded for it,
     *     so the serializers register under its subjects and use their schema ids, as the typed store did
     */
    public CurrentValues(Topic<SeriesKey, IndicatorObservation> current, String changelog) {
        this.current = current;
        this.changelog = changelog;
    }

    /** The changelog topic of the current-value store, as Kafka Streams names it. */
    public static String changelogTopic(String applicationId) {
        return applicationId + "-" + FoundationTopology.CURRENT_STORE + "-changelog";
    }

    /** The stored key of a series. */
    public Bytes key(SeriesKey series) {
        return Bytes.wrap(current.keySerde().serializer().serialize(changelog, series));
    }

    /** The stored value of an observation. */
    byte[] value(IndicatorObservation o) {
        return current.valueSerde().serializer().serialize(changelog, o);
    }

    /** The observation a stored value holds. */
    public IndicatorObservation decode(byte[] value) {
        return current.valueSerde().deserializer().deserialize(changelog, value);
    }

    /** The series a stored key holds. */
    public SeriesKey decodeKey(Bytes key) {
        return current.keySerde().deserializer().deserialize(changelog, key.get());
    }

    /**
     * The byte prefix shared by the keys whose leading fields are {@code fields} (one: the indicator;
     * two: indicator and region), computed with the store's own serializer on a key whose trailing
     * fields are empty strings (each the single byte 0), which are then cut off.
     */
    public Bytes prefix(List<String> fields) {
        if (fields.isEmpty() || fields.size() > 2) {
            throw new IllegalArgumentException("a prefix of the current store is the indicator, or indicator and region");
        }
        SeriesKey k = new SeriesKey(fields.get(0), fields.size() > 1 ? fields.get(1) : "", "");
        int emptyTail = 3 - fields.size();
        byte[] full = key(k).get();
        for (int i = full.length - emptyTail; i < full.length; i++) {
            if (full[i] != 0) {
                throw new IllegalStateException("unexpected key encoding: trailing empty strings are not single zero bytes");
            }
        }
        return Bytes.wrap(Arrays.copyOf(full, full.length - emptyTail));
    }

    /** A reader of one store (a partition, or a view over several). */
    public Reader reader(ReadOnlyKeyValueStore<Bytes, byte[]> store) {
        return new Reader(store);
    }

    /** Read access for queries, the CLI and tests. */
    public final class Reader {
        private final ReadOnlyKeyValueStore<Bytes, byte[]> store;

        private Reader(ReadOnlyKeyValueStore<Bytes, byte[]> store) {
            this.store = store;
        }

        /** Whether a series has a current value, without decoding it. */
        public boolean contains(SeriesKey series) {
            return store.get(key(series)) != null;
        }

        /** The current value of a series, or null. */
        public IndicatorObservation get(SeriesKey series) {
            byte[] v = store.get(key(series));
            return v == null ? null : decode(v);
        }

        /**
         * The values under a prefix (null: every entry), in key order, decoding only the ones handed to
         * {@code out}: the scan stops as soon as {@code out} answers false.
         */
        public void values(Bytes prefix, Predicate<IndicatorObservation> out) {
            try (KeyValueIterator<Bytes, byte[]> it = iterator(prefix)) {
                while (it.hasNext()) {
                    if (!out.test(decode(it.next().value))) {
                        return;
                    }
                }
            }
        }

        /** How many entries under a prefix (null: every entry), from the keys alone: nothing is decoded. */
        public long count(Bytes prefix) {
            long n = 0;
            try (KeyValueIterator<Bytes, byte[]> it = iterator(prefix)) {
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
            }
            return n;
        }

        /** The series under a prefix (null: every entry), in key order; no value is decoded. */
        public List<SeriesKey> keys(Bytes prefix) {
            List<SeriesKey> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = iterator(prefix)) {
                while (it.hasNext()) {
                    keys.add(decodeKey(it.next().key));
                }
            }
            return keys;
        }

        /** Every current value by series, in key order. */
        public Map<SeriesKey, IndicatorObservation> table() {
            Map<SeriesKey, IndicatorObservation> table = new LinkedHashMap<>();
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    table.put(decodeKey(kv.key), decode(kv.value));
                }
            }
            return table;
        }

        /** Every current value, in key order. */
        public List<IndicatorObservation> all() {
            List<IndicatorObservation> all = new ArrayList<>();
            values(null, all::add);
            return all;
        }

        private KeyValueIterator<Bytes, byte[]> iterator(Bytes prefix) {
            return prefix == null ? store.all() : store.prefixScan(prefix, BYTES);
        }
    }
}
