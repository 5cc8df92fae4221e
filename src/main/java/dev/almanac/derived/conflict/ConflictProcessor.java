package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.ConflictState;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every observation of each (indicator, region, frequency) series, recomputes the series' findings
 * on each arrival and forwards the differences: new or changed findings, and tombstones for findings
 * that no longer hold (a late vintage can sit between two that looked like a jump). The valid topic is
 * partitioned by (indicator, region), so a series' observations all reach the same task.
 */
final class ConflictProcessor implements Processor<ObservationKey, IndicatorObservation, ConflictKey, Conflict> {

    private final TableDefinition.Conflicts def;
    private ProcessorContext<ConflictKey, Conflict> context;
    private KeyValueStore<SeriesKey, ConflictState> series;
    private KeyValueStore<ConflictKey, Conflict> findings;

    ConflictProcessor(TableDefinition.Conflicts def) {
        this.def = def;
    }

    @Override
    public void init(ProcessorContext<ConflictKey, Conflict> context) {
        this.context = context;
        this.series = context.getStateStore(ConflictTopology.seriesStore(def));
        this.findings = context.getStateStore(ConflictTopology.store(def));
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
        SeriesKey key = new SeriesKey(o.getIndicator(), o.getRegion(), period.frequency().name());
        ConflictState state = series.get(key);
        List<SeriesPoint> points = new ArrayList<>(state == null ? List.of() : state.getPoints());
        SeriesPoint point = SeriesPoints.of(o);
        int same = indexOfId(points, o.getId());
        if (same >= 0 && points.get(same).equals(point)) {
            return;
        }
        if (same >= 0) {
            points.set(same, point);
        } else {
            points.add(point);
        }
        Map<ConflictKey, Conflict> now = ConflictDetector.findings(o.getIndicator(), o.getRegion(), points, def);
        for (Map.Entry<ConflictKey, Conflict> f : now.entrySet()) {
            if (!f.getValue().equals(findings.get(f.getKey()))) {
                findings.put(f.getKey(), f.getValue());
                context.forward(new Record<>(f.getKey(), f.getValue(), record.timestamp()));
            }
        }
        List<ConflictKey> emitted = state == null ? List.of() : state.getEmitted();
        for (ConflictKey k : emitted) {
            if (!now.containsKey(k)) {
                findings.delete(k);
                context.forward(new Record<>(k, (Conflict) null, record.timestamp()));
            }
        }
        series.put(key, new ConflictState(points, new ArrayList<>(now.keySet())));
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
