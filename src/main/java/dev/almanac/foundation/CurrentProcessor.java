package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.avro.SeriesPeriods;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per (indicator, region, frequency): the latest vintage of the newest reference period. Fed by the
 * latest table's changes, which only ever move a period to a newer vintage, so the result is the same
 * for any arrival order.
 */
final class CurrentProcessor implements Processor<ObservationKey, IndicatorObservation, SeriesKey, IndicatorObservation> {

    private ProcessorContext<SeriesKey, IndicatorObservation> context;
    private KeyValueStore<SeriesKey, IndicatorObservation> current;
    private KeyValueStore<SeriesKey, SeriesPeriods> periods;

    @Override
    public void init(ProcessorContext<SeriesKey, IndicatorObservation> context) {
        this.context = context;
        this.current = context.getStateStore(FoundationTopology.CURRENT_STORE);
        this.periods = context.getStateStore(FoundationTopology.SERIES_PERIODS_STORE);
    }

    @Override
    public void process(Record<ObservationKey, IndicatorObservation> record) {
        Period period = Period.parse(record.key().getPeriod());
        SeriesKey series = new SeriesKey(record.key().getIndicator(), record.key().getRegion(), period.frequency().name());
        rememberPeriod(series, period);
        IndicatorObservation existing = current.get(series);
        if (existing == null || period.compareTo(Period.parse(existing.getPeriod())) >= 0) {
            current.put(series, record.value());
            context.forward(new Record<>(series, record.value(), record.timestamp()));
        }
    }

    private void rememberPeriod(SeriesKey series, Period period) {
        SeriesPeriods known = periods.get(series);
        List<String> texts = known == null ? List.of() : known.getPeriods();
        // Binary search keeps the list sorted oldest to newest with O(log n) parses per record.
        int lo = 0;
        int hi = texts.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Period.parse(texts.get(mid)).compareTo(period) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < texts.size() && texts.get(lo).equals(period.text())) {
            return;
        }
        List<String> updated = new ArrayList<>(texts.size() + 1);
        updated.addAll(texts);
        updated.add(lo, period.text());
        periods.put(series, new SeriesPeriods(updated));
    }
}
