package dev.almanac.derived.series;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.SeriesSnapshot;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * On each change of the latest table, reads the changed key's whole series (every period of its
 * (indicator, region)) from the latest table's own store with one prefix scan, and forwards it as a
 * snapshot in period order, keyed by {@link SeriesTopology#seriesKey}. An emptied series forwards a
 * snapshot without points.
 *
 * <p>This needs every period of a series in one partition of the latest topic: the foundation writes it
 * with {@link dev.almanac.kafka.SeriesPartitioner}.
 *
 * <p>The latest table's record cache forwards its changes when it flushes (on commit), one per changed
 * key, while its store already holds all of them: the first scan of a series in a flush sees the
 * series' other changed periods too. So a change whose new value (or absence) is already in the last
 * snapshot forwarded for its series is skipped: deriving again would give the same rows. Every later
 * write to the series reaches this processor with a value that snapshot does not hold (or puts the key
 * back to the state it had there), so nothing is missed. The snapshots are remembered per processor
 * instance, which starts empty whenever a task is (re)initialised, e.g. after an aborted transaction, and
 * they are bounded by points, least recently used series out first.
 */
final class SeriesScanProcessor implements Processor<ObservationKey, IndicatorObservation, String, SeriesSnapshot> {

    private final String latestStoreName;
    private final Serializer<ObservationKey> seriesPrefix;
    /** Points of the last snapshots forwarded that each processor instance (one per task) remembers. */
    static final int MAX_REMEMBERED_POINTS = 50_000;

    private ProcessorContext<String, SeriesSnapshot> context;
    private TimestampedKeyValueStore<ObservationKey, IndicatorObservation> latest;
    private LastSnapshots forwarded;

    SeriesScanProcessor(String latestStoreName, Serializer<ObservationKey> seriesPrefix) {
        this.latestStoreName = latestStoreName;
        this.seriesPrefix = seriesPrefix;
    }

    @Override
    public void init(ProcessorContext<String, SeriesSnapshot> context) {
        this.context = context;
        this.latest = context.getStateStore(latestStoreName);
        this.forwarded = new LastSnapshots(MAX_REMEMBERED_POINTS);
    }

    @Override
    public void process(Record<ObservationKey, IndicatorObservation> record) {
        ObservationKey changed = record.key();
        String indicator = changed.getIndicator();
        String region = changed.getRegion();
        String seriesKey = SeriesTopology.seriesKey(indicator, region);
        Map<String, SeriesPoint> last = forwarded.get(seriesKey);
        if (last != null) {
            SeriesPoint before = last.get(changed.getPeriod());
            if (record.value() == null ? before == null : before != null && before.equals(SeriesPoints.of(record.value()))) {
                return;
            }
        }
        List<Ordered> points = new ArrayList<>();
        boolean sawChanged = false;
        try (KeyValueIterator<ObservationKey, ValueAndTimestamp<IndicatorObservation>> it =
                     latest.prefixScan(new ObservationKey(indicator, region, ""), seriesPrefix)) {
            while (it.hasNext()) {
                KeyValue<ObservationKey, ValueAndTimestamp<IndicatorObservation>> kv = it.next();
                if (!kv.key.getIndicator().equals(indicator) || !kv.key.getRegion().equals(region)) {
                    throw new IllegalStateException("prefix scan of " + latestStoreName + " for " + indicator + "/" + region
                            + " returned " + kv.key + ": the series prefix does not match the store's key bytes");
                }
                if (kv.value == null || kv.value.value() == null) {
                    continue;
                }
                IndicatorObservation o = kv.value.value();
                sawChanged |= kv.key.getPeriod().equals(changed.getPeriod());
                points.add(new Ordered(Period.parse(o.getPeriod()), SeriesPoints.of(o)));
            }
        }
        if (record.value() != null && !sawChanged) {
            // The store holds the key that was just written: not finding it means the prefix is not built
            // the way the store's keys are (another key serde or schema id), and every series would come out
            // empty. Fail instead of deriving from nothing.
            throw new IllegalStateException("prefix scan of " + latestStoreName + " did not find the key it was triggered by: "
                    + changed);
        }
        points.sort(Comparator.comparing(Ordered::period));
        List<SeriesPoint> inOrder = new ArrayList<>(points.size());
        Map<String, SeriesPoint> byPeriod = new HashMap<>(points.size() * 2);
        for (Ordered p : points) {
            inOrder.add(p.point());
            byPeriod.put(p.point().getPeriod(), p.point());
        }
        forwarded.put(seriesKey, byPeriod);
        context.forward(new Record<>(seriesKey, new SeriesSnapshot(indicator, region, inOrder), record.timestamp()));
    }

    /** The last snapshot forwarded per series (period → point), bounded by points, least recently used out first. */
    static final class LastSnapshots {
        private final int maxPoints;
        private int points;
        private final LinkedHashMap<String, Map<String, SeriesPoint>> bySeries = new LinkedHashMap<>(16, 0.75f, true);

        LastSnapshots(int maxPoints) {
            this.maxPoints = maxPoints;
        }

        Map<String, SeriesPoint> get(String seriesKey) {
            return bySeries.get(seriesKey);
        }

        void put(String seriesKey, Map<String, SeriesPoint> snapshot) {
            Map<String, SeriesPoint> replaced = bySeries.put(seriesKey, snapshot);
            points += snapshot.size() - (replaced == null ? 0 : replaced.size());
            Iterator<Map.Entry<String, Map<String, SeriesPoint>>> oldest = bySeries.entrySet().iterator();
            while (points > maxPoints && oldest.hasNext()) {
                points -= oldest.next().getValue().size();
                oldest.remove();
            }
        }

        int points() {
            return points;
        }

        int series() {
            return bySeries.size();
        }
    }

    private record Ordered(Period period, SeriesPoint point) {
    }
}
