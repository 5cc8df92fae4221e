package dev.almanac.derived.conflict;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Period;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
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
     * The vintages of one period, decoded, except the entry under {@code knownKey} (if not null), which is
     * {@code known} (the vintage just written: decoding it again would give the same point).
     */
    static List<SeriesPoint> vintages(KeyValueStore<Bytes, byte[]> store, Deserializer<IndicatorObservation> values,
                                      String topic, byte[] periodKey, Bytes knownKey, SeriesPoint known) {
        List<SeriesPoint> out = new ArrayList<>(4);
        try (KeyValueIterator<Bytes, byte[]> it = store.range(bound(periodKey, (byte) 0), bound(periodKey, (byte) 1))) {
            while (it.hasNext()) {
                var entry = it.next();
                out.add(entry.key.equals(knownKey) ? known : SeriesPoints.of(values.deserialize(topic, entry.value)));
            }
        }
        return out;
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

    /**
     * The vintages of the period just before ({@code before}) or just after the one of {@code periodKey}
     * within its series, or an empty list when there is none.
     */
    static List<SeriesPoint> neighbour(KeyValueStore<Bytes, byte[]> store, Deserializer<IndicatorObservation> values,
                                       String topic, String seriesPrefix, String periodKey, boolean before) {
        Bytes first = null;
        try (KeyValueIterator<Bytes, byte[]> it = before
                ? store.reverseRange(Bytes.wrap(seriesPrefix.getBytes(StandardCharsets.UTF_8)), bound(periodKey, '\u0000'))
                : store.range(bound(periodKey, '\u0001'), bound(seriesPrefix.substring(0, seriesPrefix.length() - 1), '\u0001'))) {
            if (it.hasNext()) {
                first = it.next().key;
            }
        }
        // The neighbour's period comes from its key: no need to decode a vintage to learn it.
        return first == null ? List.of() : vintages(store, values, topic, periodKeyOf(first.get()), null, null);
    }

    /** What a new or replaced vintage changed, as the conflicts tables need it. */
    record Change(IndicatorObservation observation, Period period, SeriesPoint point, SeriesPoint replaced) {
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
        private ProcessorContext<byte[], Change> context;
        private KeyValueStore<Bytes, byte[]> store;

        Writer(String storeName, String topic, Deserializer<IndicatorObservation> values) {
            this.storeName = storeName;
            this.topic = topic;
            this.values = values;
        }

        @Override
        public void init(ProcessorContext<byte[], Change> context) {
            this.context = context;
            this.store = context.getStateStore(storeName);
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
            Bytes key = entryKey(periodKey(o.getIndicator(), o.getRegion(), period), o.getId());
            byte[] before = store.get(key);
            // The store holds each id's last bytes, as a restore from the topic would.
            store.put(key, record.value());
            SeriesPoint point = SeriesPoints.of(o);
            SeriesPoint replaced = before == null ? null : SeriesPoints.of(values.deserialize(topic, before));
            if (!point.equals(replaced)) {
                context.forward(record.withValue(new Change(o, period, point, replaced)));
            }
        }
    }
}
