package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.ConflictState;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every observation of each (indicator, region, frequency) series, one state entry per reference
 * period, and forwards the differences of the series' findings on each arrival: new or changed
 * findings, and tombstones for findings that no longer hold (a late vintage can sit between two that
 * looked like a jump). The valid topic is partitioned by (indicator, region), so a series' observations
 * all reach the same task.
 *
 * <p>An arrival only changes findings of its own period (conflicts and revision jumps among its
 * vintages, the period jump from the previous period) and, when the period's latest vintage changes,
 * the period jump into the next period. State is therefore kept per period under keys that sort in
 * period order ({@link #periodKey}), and the neighbouring periods are found by a range read: the work
 * and the bytes written per record depend on the period's vintages, not on the series' length. Each
 * period's entry lists the findings it owns (its own, and the period jump whose second period it is),
 * so retractions need no rescan. The findings equal {@link ConflictDetector#findings} over the whole
 * series for any arrival order.
 */
final class ConflictProcessor implements Processor<ObservationKey, IndicatorObservation, ConflictKey, Conflict> {

    private final TableDefinition.Conflicts def;
    private ProcessorContext<ConflictKey, Conflict> context;
    private KeyValueStore<String, ConflictState> periods;
    private KeyValueStore<ConflictKey, Conflict> findings;

    ConflictProcessor(TableDefinition.Conflicts def) {
        this.def = def;
    }

    @Override
    public void init(ProcessorContext<ConflictKey, Conflict> context) {
        this.context = context;
        this.periods = context.getStateStore(ConflictTopology.periodsStore(def));
        this.findings = context.getStateStore(ConflictTopology.store(def));
    }

    /** The prefix of every period key of one series. */
    static String seriesPrefix(String indicator, String region, dev.almanac.observation.Frequency frequency) {
        return indicator + '\u0000' + region + '\u0000' + frequency.name() + '\u0000';
    }

    /**
     * A key whose string (and UTF-8 byte) order within a series is {@link Period#NEWEST_LAST}: end date,
     * start date (ISO dates of four-digit years), then the period's text.
     */
    static String periodKey(String indicator, String region, Period period) {
        return seriesPrefix(indicator, region, period.frequency()) + period.end() + '\u0000' + period.start() + '\u0000' + period.text();
    }

    @Override
    public void process(Record<ObservationKey, IndicatorObservation> record) {
        IndicatorObservation o = record.value();
        if (o == null) {
            return;
        }
        Period period = Period.tryParse(o.getPeriod()).orElse(null);
        if (period == null) {
            return;
        }
        String prefix = seriesPrefix(o.getIndicator(), o.getRegion(), period.frequency());
        String key = periodKey(o.getIndicator(), o.getRegion(), period);
        ConflictState state = periods.get(key);
        List<SeriesPoint> points = new ArrayList<>(state == null ? List.of() : state.getPoints());
        SeriesPoint point = SeriesPoints.of(o);
        int same = indexOfId(points, o.getId());
        if (same >= 0 && points.get(same).equals(point)) {
            return;
        }
        SeriesPoint latestBefore = points.isEmpty() ? null : ConflictDetector.latest(points);
        if (same >= 0) {
            points.set(same, point);
        } else {
            points.add(point);
        }
        SeriesPoint latest = ConflictDetector.latest(points);
        long ts = record.timestamp();

        Map<ConflictKey, Conflict> own = ConflictDetector.periodFindings(o.getIndicator(), o.getRegion(), points, def);
        KeyValue<String, ConflictState> previous = neighbour(prefix, key, true);
        if (previous != null) {
            own.putAll(ConflictDetector.periodJump(o.getIndicator(), o.getRegion(),
                    ConflictDetector.latest(previous.value.getPoints()), latest, def));
        }
        List<ConflictKey> owned = emit(own, state == null ? List.of() : state.getEmitted(), ts);
        periods.put(key, new ConflictState(points, owned));

        if (latestBefore == null || !latestBefore.equals(latest)) {
            KeyValue<String, ConflictState> next = neighbour(prefix, key, false);
            if (next != null) {
                repointJumpInto(next, latest, ts);
            }
        }
    }

    /**
     * The next period's jump now starts from {@code latest}: its own findings stay, its period jump is
     * recomputed.
     */
    private void repointJumpInto(KeyValue<String, ConflictState> next, SeriesPoint latest, long ts) {
        List<SeriesPoint> points = next.value.getPoints();
        Map<ConflictKey, Conflict> jump = ConflictDetector.periodJump(indicatorOf(next.key), regionOf(next.key), latest,
                ConflictDetector.latest(points), def);
        List<ConflictKey> kept = new ArrayList<>();
        List<ConflictKey> oldJumps = new ArrayList<>();
        for (ConflictKey k : next.value.getEmitted()) {
            (ConflictDetector.PERIOD_JUMP.equals(k.getKind()) ? oldJumps : kept).add(k);
        }
        List<ConflictKey> owned = new ArrayList<>(kept);
        owned.addAll(emit(jump, oldJumps, ts));
        if (!owned.equals(next.value.getEmitted())) {
            periods.put(next.key, new ConflictState(points, owned));
        }
    }

    /**
     * Forwards the findings of {@code now} that are new or changed and tombstones those of
     * {@code before} no longer in it; returns the keys of {@code now}.
     */
    private List<ConflictKey> emit(Map<ConflictKey, Conflict> now, List<ConflictKey> before, long ts) {
        for (Map.Entry<ConflictKey, Conflict> f : now.entrySet()) {
            if (!f.getValue().equals(findings.get(f.getKey()))) {
                findings.put(f.getKey(), f.getValue());
                context.forward(new Record<>(f.getKey(), f.getValue(), ts));
            }
        }
        for (ConflictKey k : before) {
            if (!now.containsKey(k)) {
                findings.delete(k);
                context.forward(new Record<>(k, (Conflict) null, ts));
            }
        }
        return new ArrayList<>(now.keySet());
    }

    /** The period entry just before ({@code before}) or just after {@code key} within the series, or null. */
    private KeyValue<String, ConflictState> neighbour(String prefix, String key, boolean before) {
        String end = prefix.substring(0, prefix.length() - 1) + '\u0001';
        try (KeyValueIterator<String, ConflictState> it = before ? periods.reverseRange(prefix, key) : periods.range(key, end)) {
            while (it.hasNext()) {
                KeyValue<String, ConflictState> kv = it.next();
                if (!kv.key.equals(key) && kv.key.startsWith(prefix) && !kv.value.getPoints().isEmpty()) {
                    return kv;
                }
            }
        }
        return null;
    }

    private static String indicatorOf(String periodKey) {
        return periodKey.substring(0, periodKey.indexOf('\u0000'));
    }

    private static String regionOf(String periodKey) {
        int a = periodKey.indexOf('\u0000');
        return periodKey.substring(a + 1, periodKey.indexOf('\u0000', a + 1));
    }

    private static int indexOfId(List<SeriesPoint> points, String id) {
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).getId().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}
