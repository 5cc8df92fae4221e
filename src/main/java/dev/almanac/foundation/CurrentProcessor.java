package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.observation.Period;
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

    @Override
    public void init(ProcessorContext<SeriesKey, IndicatorObservation> context) {
        this.context = context;
        this.current = context.getStateStore(FoundationTopology.CURRENT_STORE);
    }

    @Override
    public void process(Record<ObservationKey, IndicatorObservation> record) {
        Period period = Period.parse(record.key().getPeriod());
        SeriesKey series = new SeriesKey(record.key().getIndicator(), record.key().getRegion(), period.frequency().name());
        IndicatorObservation existing = current.get(series);
        if (existing == null || period.compareTo(Period.parse(existing.getPeriod())) >= 0) {
            current.put(series, record.value());
            context.forward(new Record<>(series, record.value(), record.timestamp()));
        }
    }
}
