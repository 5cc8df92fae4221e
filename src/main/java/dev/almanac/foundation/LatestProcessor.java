package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps, per (indicator, region, period), the observation with the greatest {@code published}; ties go
 * to the greater {@code id}. Every vintage goes into the history store (a set, so the winner depends
 * only on the set of observations, never on arrival order); only a change of winner is forwarded.
 * Per record: one reverse range read that stops at the newest publication time, and one put, whatever
 * the length of the key's history.
 */
final class LatestProcessor implements Processor<ObservationKey, LatestProcessor.Received, ObservationKey, IndicatorObservation> {

    /**
     * A valid observation with the bytes it was read from. The history holds observations as the valid
     * topic (its changelog) does, so those bytes go into it as they are: encoding the observation again
     * took a twentieth of the foundation thread.
     */
    record Received(IndicatorObservation observation, byte[] bytes) {

        /** Reads what {@code values} reads, keeping the bytes. */
        static Deserializer<Received> deserializer(Deserializer<IndicatorObservation> values) {
            return (topic, data) -> data == null ? null : new Received(values.deserialize(topic, data), data);
        }
    }

    private ProcessorContext<ObservationKey, IndicatorObservation> context;
    private KeyValueStore<Bytes, byte[]> history;

    @Override
    public void init(ProcessorContext<ObservationKey, IndicatorObservation> context) {
        this.context = context;
        this.history = context.getStateStore(FoundationTopology.LATEST_HISTORY_STORE);
    }

    @Override
    public void process(Record<ObservationKey, Received> record) {
        if (record.value() == null || record.value().observation() == null) {
            return;
        }
        IndicatorObservation candidate = record.value().observation();
        ObservationKey key = record.key();
        byte[] prefix = LatestHistory.keyPrefix(key.getIndicator(), key.getRegion(), key.getPeriod());
        long published = candidate.getPublished().toEpochMilli();
        KeyValue<LatestHistory.Vintage, byte[]> winner = LatestHistory.winner(history, prefix, Long.MAX_VALUE);
        history.put(Bytes.wrap(LatestHistory.entryKey(prefix, published, candidate.getId())), record.value().bytes());
        if (winner == null || beats(published, candidate.getId(), winner.key.published(), winner.key.id())) {
            context.forward(new Record<>(key, candidate, published));
        }
    }

    static boolean beats(long published, String id, long otherPublished, String otherId) {
        return published > otherPublished || (published == otherPublished && id.compareTo(otherId) > 0);
    }
}
