package dev.almanac.derived.registration;

import dev.almanac.avro.ModelRegistration;
import dev.almanac.observation.Rejection;
import dev.almanac.serde.RegistryRetry;
import dev.almanac.serde.WireFormat;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decodes a raw registration (a JSON object, or Confluent-framed Avro {@code ModelRegistration}) and
 * checks it. A good one is forwarded as {@link ValidatedRegistration#valid} keyed by its id with its publication time as
 * timestamp; a bad one as {@link ValidatedRegistration#rejected}, unchanged, with the same dead-letter headers the
 * observation validator writes ({@code almanac.reason}, {@code almanac.field}, {@code almanac.message},
 * {@code almanac.origin.topic/partition/offset}). Counts both, under the keys
 * {@link dev.almanac.foundation.ValidationCounts#sum} reads.
 */
final class ValidateRegistrationProcessor implements Processor<byte[], byte[], Object, ValidatedRegistration> {


    private final Deserializer<ModelRegistration> avro;
    private final String countsStore;
    private final RegistryRetry retry;
    private ProcessorContext<Object, ValidatedRegistration> context;
    private KeyValueStore<String, Long> counts;

    ValidateRegistrationProcessor(Deserializer<ModelRegistration> avro, String countsStore) {
        this(avro, countsStore, RegistryRetry.DEFAULT);
    }

    ValidateRegistrationProcessor(Deserializer<ModelRegistration> avro, String countsStore, RegistryRetry retry) {
        this.avro = avro;
        this.countsStore = countsStore;
        this.retry = retry;
    }

    @Override
    public void init(ProcessorContext<Object, ValidatedRegistration> context) {
        this.context = context;
        this.counts = context.getStateStore(countsStore);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ModelRegistration r;
        try {
            r = decode(record.value());
        } catch (Rejection.Exception e) {
            Rejection rejection = e.rejection();
            increment("rejected");
            increment("rejected." + rejection.reason().name());
            Headers headers = dev.almanac.kafka.DeadLetters.headers(record.headers(), rejection, context.recordMetadata());
            context.forward(new Record<Object, ValidatedRegistration>(record.key(), ValidatedRegistration.rejected(record.value()), record.timestamp(), headers));
            return;
        }
        increment("accepted");
        context.forward(new Record<Object, ValidatedRegistration>(r.getId(), ValidatedRegistration.valid(r), r.getPublished().toEpochMilli()));
    }

    private ModelRegistration decode(byte[] bytes) {
        if (bytes == null) {
            throw new Rejection.Exception(Rejection.Reason.NULL_VALUE, null, "record without a value (a tombstone)");
        }
        if (bytes.length == 0) {
            throw new Rejection.Exception(Rejection.Reason.UNDECODABLE, null, "empty record value");
        }
        if (bytes[0] == WireFormat.MAGIC) {
            ModelRegistration decoded;
            try {
                String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
                decoded = retry.call(() -> avro.deserialize(topic, bytes));
            } catch (RuntimeException e) {
                if (dev.almanac.serde.RegistryUnavailableException.causedBy(e)) {
                    // Not the record's fault, and retrying in place did not help: the task is retried from the last commit
                    // (as in the observation validator).
                    throw e instanceof dev.almanac.serde.RegistryUnavailableException r ? r : new dev.almanac.serde.RegistryUnavailableException(e);
                }
                throw new Rejection.Exception(Rejection.Reason.UNDECODABLE, null, "Avro: " + e.getMessage());
            }
            return RegistrationJson.validate(decoded);
        }
        return RegistrationJson.parse(bytes);
    }

    private void increment(String counter) {
        Long current = counts.get(counter);
        counts.put(counter, current == null ? 1L : current + 1);
    }

}
