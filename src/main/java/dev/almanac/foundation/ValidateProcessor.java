package dev.almanac.foundation;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.DeadLetters;
import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.ObservationValidator;
import dev.almanac.observation.Rejection;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.RegistryRetry;
import dev.almanac.serde.RegistryUnavailableException;
import dev.almanac.serde.WireFormat;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decodes a raw record (Confluent-framed Avro {@code IndicatorObservation}, or a JSON object), checks
 * it, and forwards it either to the valid topic keyed by (indicator, region, period) with the
 * publication time as its timestamp, or unchanged to the dead-letter topic with headers giving the
 * reason and origin. Counts both.
 */
final class ValidateProcessor implements Processor<byte[], byte[], Object, Object> {

    static final String VALID_SINK = "valid-observations-sink";
    static final String REJECTED_SINK = "rejected-observations-sink";

    private final Deserializer<IndicatorObservation> avro;
    private final String validChild;
    private final RegistryRetry retry;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Long> counts;
    /**
     * The counters this processor has read or written since {@link #init}: it is their task's one writer, so
     * each count is read from the store once and then only put (reading it back from the record cache took
     * half of the 3 % of the foundation thread that counting cost).
     */
    private final Map<String, long[]> known = new HashMap<>();

    /** @param validChild the node valid observations go to: the valid sink, or a filter in front of it */
    ValidateProcessor(AvroSerdes serdes, String validChild) {
        this(serdes.specific(IndicatorObservation.class, false).deserializer(), validChild, RegistryRetry.DEFAULT);
    }

    ValidateProcessor(Deserializer<IndicatorObservation> avro, String validChild, RegistryRetry retry) {
        this.avro = avro;
        this.validChild = validChild;
        this.retry = retry;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.counts = context.getStateStore(FoundationTopology.VALIDATION_COUNTS_STORE);
        known.clear(); // the store may have been wiped or restored since
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        IndicatorObservation observation;
        try {
            observation = decode(record.value());
        } catch (Rejection.Exception e) {
            reject(record, e.rejection());
            return;
        } catch (RegistryUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // Whatever else bad input provokes must not stop the pipeline: it is dead-lettered too.
            reject(record, new Rejection(Rejection.Reason.UNDECODABLE, null, e.getClass().getSimpleName() + ": " + e.getMessage()));
            return;
        }
        increment(ValidationCounts.ACCEPTED);
        ObservationKey key = new ObservationKey(observation.getIndicator(), observation.getRegion(), observation.getPeriod());
        context.forward(new Record<Object, Object>(key, observation, observation.getPublished().toEpochMilli()), validChild);
    }

    private IndicatorObservation decode(byte[] bytes) {
        if (bytes == null) {
            throw new Rejection.Exception(Rejection.Reason.NULL_VALUE, null, "record without a value (a tombstone)");
        }
        if (bytes.length == 0) {
            throw new Rejection.Exception(Rejection.Reason.UNDECODABLE, null, "empty record value");
        }
        if (bytes[0] == WireFormat.MAGIC) {
            IndicatorObservation decoded;
            try {
                String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
                decoded = retry.call(() -> avro.deserialize(topic, bytes));
            } catch (RuntimeException e) {
                if (registryUnavailable(e)) {
                    // Not the record's fault, and retrying in place did not help: fail the task so it is retried from
                    // the last commit (the pipeline replaces the thread) instead of dead-lettering a valid record.
                    throw e instanceof RegistryUnavailableException r ? r : new RegistryUnavailableException(e);
                }
                throw new Rejection.Exception(Rejection.Reason.UNDECODABLE, null, "Avro: " + e.getMessage());
            }
            if (decoded.getId() == null || decoded.getId().isBlank()) {
                decoded.setId(ObservationJson.derivedId(decoded));
            }
            return ObservationValidator.validate(decoded);
        }
        return ObservationJson.parse(bytes);
    }

    /** Whether decoding failed because the schema registry could not answer (5xx, unreachable), not because of the bytes. */
    static boolean registryUnavailable(Throwable e) {
        return RegistryUnavailableException.causedBy(e);
    }

    private void reject(Record<byte[], byte[]> record, Rejection rejection) {
        increment(ValidationCounts.REJECTED);
        increment(ValidationCounts.REJECTED_PREFIX + rejection.reason().name());
        Headers headers = DeadLetters.headers(record.headers(), rejection, context.recordMetadata());
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers), REJECTED_SINK);
    }

    private void increment(String counter) {
        long[] n = known.computeIfAbsent(counter, c -> {
            Long stored = counts.get(c);
            return new long[] {stored == null ? 0 : stored};
        });
        counts.put(counter, ++n[0]);
    }

}
