package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.definition.TableDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One conflicts table: on each change of the vintages store ({@link ConflictVintages}, written just before
 * by its writer, which hands over what it read of the period and its neighbours) forwards the differences of
 * the series' findings: new or changed findings, and tombstones for findings that no longer hold (a late
 * vintage can sit between two that looked like a jump).
 *
 * <p>A new vintage only changes findings of its own period (conflicts and revision jumps among its vintages,
 * the period jump from the previous period) and, when the period's latest vintage changes, the period jump
 * into the next period. Both sides of the difference are computed from what the writer read: the period's
 * vintages now, and the same without the new vintage (with the version it replaced). Findings are a pure function of the
 * vintages ({@link ConflictDetector}), so what the table held before is exactly what the set without the new
 * vintage gives: no list of emitted findings needs keeping, and the work per record depends on the period's
 * vintages, not on the series' length. The findings equal {@link ConflictDetector#findings} over the whole
 * series for any arrival order.
 */
final class ConflictProcessor implements Processor<byte[], ConflictVintages.Change, ConflictKey, Conflict> {

    private final TableDefinition.Conflicts def;
    private ProcessorContext<ConflictKey, Conflict> context;
    private KeyValueStore<ConflictKey, Conflict> findings;

    ConflictProcessor(TableDefinition.Conflicts def) {
        this.def = def;
    }

    @Override
    public void init(ProcessorContext<ConflictKey, Conflict> context) {
        this.context = context;
        this.findings = context.getStateStore(ConflictTopology.store(def));
    }

    @Override
    public void process(Record<byte[], ConflictVintages.Change> record) {
        ConflictVintages.Change change = record.value();
        IndicatorObservation o = change.observation();
        String indicator = o.getIndicator();
        String region = o.getRegion();
        List<SeriesPoint> now = change.now();
        List<SeriesPoint> before = change.before();
        SeriesPoint latestNow = ConflictDetector.latest(now);
        SeriesPoint latestBefore = before.isEmpty() ? null : ConflictDetector.latest(before);
        Map<ConflictKey, Conflict> found = ConflictDetector.periodFindings(indicator, region, now, def);
        Map<ConflictKey, Conflict> held = before.isEmpty() ? new LinkedHashMap<>()
                : ConflictDetector.periodFindings(indicator, region, before, def);
        // The period jumps into and out of this period depend on its latest vintage only: when an older
        // vintage arrives they stay as they are, and neither side of the difference needs them (the writer
        // then reads no neighbours).
        if (!Objects.equals(latestBefore, latestNow)) {
            SeriesPoint latestPrevious = change.previous().isEmpty() ? null : ConflictDetector.latest(change.previous());
            if (latestPrevious != null) {
                found.putAll(ConflictDetector.periodJump(indicator, region, latestPrevious, latestNow, def));
                if (latestBefore != null) {
                    held.putAll(ConflictDetector.periodJump(indicator, region, latestPrevious, latestBefore, def));
                }
            }
            if (!change.next().isEmpty()) {
                SeriesPoint latestNext = ConflictDetector.latest(change.next());
                found.putAll(ConflictDetector.periodJump(indicator, region, latestNow, latestNext, def));
                // Before this period had a vintage, the next period's jump started from the previous period.
                SeriesPoint from = latestBefore != null ? latestBefore : latestPrevious;
                if (from != null) {
                    held.putAll(ConflictDetector.periodJump(indicator, region, from, latestNext, def));
                }
            }
        }
        emit(found, held.keySet(), record.timestamp());
    }

    /** Forwards the findings of {@code now} that are new or changed, and tombstones those of {@code before} gone from it. */
    private void emit(Map<ConflictKey, Conflict> now, Set<ConflictKey> before, long ts) {
        for (Map.Entry<ConflictKey, Conflict> f : now.entrySet()) {
            if (!f.getValue().equals(findings.get(f.getKey()))) {
                findings.put(f.getKey(), f.getValue());
                context.forward(new Record<>(f.getKey(), f.getValue(), ts));
            }
        }
        for (ConflictKey k : before) {
            if (!now.containsKey(k) && findings.get(k) != null) {
                findings.delete(k);
                context.forward(new Record<>(k, (Conflict) null, ts));
            }
        }
    }
}
