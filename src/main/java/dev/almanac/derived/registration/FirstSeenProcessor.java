package dev.almanac.derived.registration;

import dev.almanac.avro.ModelRegistration;
import java.time.ZoneOffset;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Forwards each registration id once (its first arrival), re-timed to its registration date so that
 * downstream windows count by registration date, not by arrival or publication.
 */
final class FirstSeenProcessor implements Processor<String, ModelRegistration, String, ModelRegistration> {

    private final String storeName;
    private ProcessorContext<String, ModelRegistration> context;
    private KeyValueStore<String, Integer> seen;

    FirstSeenProcessor(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, ModelRegistration> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, ModelRegistration> record) {
        ModelRegistration r = record.value();
        if (r == null || seen.get(record.key()) != null) {
            return;
        }
        seen.put(record.key(), (int) r.getRegistrationDate().toEpochDay());
        long eventTime = r.getRegistrationDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        context.forward(record.withTimestamp(eventTime));
    }
}
