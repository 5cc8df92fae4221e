package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Keeps, per (indicator, region, period), the observation with the greatest {@code published}; ties go
 * to the greater {@code id}. The winner depends only on the set of observations, never on arrival
 * order. Older vintages go into the versioned store's history (for as-of queries) and are not
 * forwarded; only a change of winner is.
 */
final class LatestProcessor implements Processor<ObservationKey, IndicatorObservation, ObservationKey, IndicatorObservation> {

    private ProcessorContext<ObservationKey, IndicatorObservation> context;
    private VersionedKeyValueStore<ObservationKey, IndicatorObservation> store;
    private KeyValueStore<ObservationKey, IndicatorObservation> table;

    @Override
    public void init(ProcessorContext<ObservationKey, IndicatorObservation> context) {
        this.context = context;
        this.store = context.getStateStore(FoundationTopology.LATEST_STORE);
        this.table = context.getStateStore(FoundationTopology.LATEST_TABLE_STORE);
    }

    @Override
    public void process(Record<ObservationKey, IndicatorObservation> record) {
        IndicatorObservation candidate = record.value();
        if (candidate == null) {
            return;
        }
        long published = candidate.getPublished().toEpochMilli();
        VersionedRecord<IndicatorObservation> winner = store.get(record.key());
        if (winner == null || beats(published, candidate.getId(), winner.timestamp(), winner.value().getId())) {
            store.put(record.key(), candidate, published);
            table.put(record.key(), candidate);
            context.forward(new Record<>(record.key(), candidate, published));
            return;
        }
        if (published == winner.timestamp()) {
            return;
        }
        // An older vintage arriving late: history only. The store holds one value per timestamp, so
        // within the same publication time the greater id is kept there too.
        VersionedRecord<IndicatorObservation> sameTime = store.get(record.key(), published);
        if (sameTime != null && sameTime.timestamp() == published && sameTime.value().getId().compareTo(candidate.getId()) >= 0) {
            return;
        }
        store.put(record.key(), candidate, published);
    }

    static boolean beats(long published, String id, long otherPublished, String otherId) {
        return published > otherPublished || (published == otherPublished && id.compareTo(otherId) > 0);
    }
}
