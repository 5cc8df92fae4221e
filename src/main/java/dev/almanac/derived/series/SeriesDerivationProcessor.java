package dev.almanac.derived.series;

import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesPeriods;
import dev.almanac.avro.SeriesSnapshot;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns each new snapshot of a series into the rows it derives (period → value) and forwards only the
 * differences from what it derived before: changed rows, and tombstones for rows that no longer follow
 * (an input was revised away). The rows are kept in the table's queryable store.
 */
final class SeriesDerivationProcessor<V extends SpecificRecord> implements Processor<String, SeriesSnapshot, ObservationKey, V> {

    private final String storeName;
    private final String emittedStoreName;
    private final Function<SeriesSnapshot, Map<String, V>> derive;
    private ProcessorContext<ObservationKey, V> context;
    private KeyValueStore<ObservationKey, V> rows;
    private KeyValueStore<String, SeriesPeriods> emitted;

    SeriesDerivationProcessor(String storeName, String emittedStoreName, Function<SeriesSnapshot, Map<String, V>> derive) {
        this.storeName = storeName;
        this.emittedStoreName = emittedStoreName;
        this.derive = derive;
    }

    @Override
    public void init(ProcessorContext<ObservationKey, V> context) {
        this.context = context;
        this.rows = context.getStateStore(storeName);
        this.emitted = context.getStateStore(emittedStoreName);
    }

    @Override
    public void process(Record<String, SeriesSnapshot> record) {
        String[] series = SeriesTopology.splitSeriesKey(record.key());
        Map<String, V> now = record.value() == null ? Map.of() : derive.apply(record.value());
        for (Map.Entry<String, V> row : now.entrySet()) {
            ObservationKey key = new ObservationKey(series[0], series[1], row.getKey());
            V before = rows.get(key);
            if (!row.getValue().equals(before)) {
                rows.put(key, row.getValue());
                context.forward(new Record<>(key, row.getValue(), record.timestamp()));
            }
        }
        SeriesPeriods previously = emitted.get(record.key());
        if (previously != null) {
            for (String period : previously.getPeriods()) {
                if (!now.containsKey(period)) {
                    ObservationKey key = new ObservationKey(series[0], series[1], period);
                    rows.delete(key);
                    context.forward(new Record<>(key, (V) null, record.timestamp()));
                }
            }
        }
        Set<String> before = previously == null ? Set.of() : new HashSet<>(previously.getPeriods());
        if (!before.equals(now.keySet())) {
            if (now.isEmpty()) {
                emitted.delete(record.key());
            } else {
                List<String> periods = new ArrayList<>(now.keySet());
                periods.sort((a, b) -> Period.parse(a).compareTo(Period.parse(b)));
                emitted.put(record.key(), new SeriesPeriods(periods));
            }
        }
    }
}
