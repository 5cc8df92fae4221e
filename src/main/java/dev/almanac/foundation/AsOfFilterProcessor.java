package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Passes valid observations published at or before a cutoff and drops (and counts) later ones: the
 * tables of a rebuild then hold exactly what had been published by the cutoff.
 */
final class AsOfFilterProcessor implements Processor<Object, Object, Object, Object> {

    /** Counter, in the validation-counts store, of observations dropped for being published after the cutoff. */
    static final String EXCLUDED = "as-of.excluded";

    private final long cutoffMillis;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Long> counts;

    AsOfFilterProcessor(long cutoffMillis) {
        this.cutoffMillis = cutoffMillis;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.counts = context.getStateStore(FoundationTopology.VALIDATION_COUNTS_STORE);
    }

    @Override
    public void process(Record<Object, Object> record) {
        if (record.key() instanceof ObservationKey && record.value() instanceof IndicatorObservation o
                && o.getPublished().toEpochMilli() > cutoffMillis) {
            Long n = counts.get(EXCLUDED);
            counts.put(EXCLUDED, n == null ? 1L : n + 1);
            return;
        }
        context.forward(record);
    }

    /** Observations a cutoff filter dropped, summed over every partition of the validation-counts store. */
    static long excluded(ReadOnlyKeyValueStore<String, Long> store) {
        long total = 0;
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                if (EXCLUDED.equals(kv.key)) {
                    total += kv.value;
                }
            }
        }
        return total;
    }
}
