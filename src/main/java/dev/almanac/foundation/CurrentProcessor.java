package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.kafka.Topic;
import dev.almanac.observation.Period;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per (indicator, region, frequency): the latest vintage of the newest reference period. Fed by the
 * latest table's changes, which only ever move a period to a newer vintage, so the result is the same
 * for any arrival order. The store holds raw bytes ({@link CurrentValues}): this processor encodes what
 * a typed store's serdes encoded, and queries count and scan it without decoding every entry.
 */
final class CurrentProcessor implements Processor<ObservationKey, IndicatorObservation, SeriesKey, IndicatorObservation> {

    private final Topic<SeriesKey, IndicatorObservation> currentTopic;
    private ProcessorContext<SeriesKey, IndicatorObservation> context;
    private KeyValueStore<Bytes, byte[]> store;
    private CurrentValues layout;

    CurrentProcessor(Topic<SeriesKey, IndicatorObservation> currentTopic) {
        this.currentTopic = currentTopic;
    }

    @Override
    public void init(ProcessorContext<SeriesKey, IndicatorObservation> context) {
        this.context = context;
        this.store = context.getStateStore(FoundationTopology.CURRENT_STORE);
        this.layout = new CurrentValues(currentTopic, CurrentValues.changelogTopic(context.applicationId()));
    }

    @Override
    public void process(Record<ObservationKey, IndicatorObservation> record) {
        Period period = Period.parse(record.key().getPeriod());
        SeriesKey series = new SeriesKey(record.key().getIndicator(), record.key().getRegion(), period.frequency().name());
        Bytes key = layout.key(series);
        byte[] existing = store.get(key);
        if (existing == null || period.compareTo(Period.parse(layout.decode(existing).getPeriod())) >= 0) {
            store.put(key, layout.value(record.value()));
            context.forward(new Record<>(series, record.value(), record.timestamp()));
        }
    }
}
