package dev.almanac.kafka;

import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A RocksDB key-value store whose changelog is a topic the application reads anyway (Kafka Streams'
 * read-only state store, {@code Topology#addReadOnlyStateStore}), holding one entry per record of that
 * topic under a key of its own. Kafka Streams restores such a store by copying each record's key and
 * value bytes; this supplier turns each restored record into its store key on the way in (computed from
 * the record, typically from the value), so a restored store equals the one processing built, and the
 * store costs no changelog writes.
 *
 * <p>The store's one writer must put each record's value bytes unchanged under {@code storeKey(record)}.
 */
public class SourceTopicStoreSupplier implements KeyValueBytesStoreSupplier {

    private final KeyValueBytesStoreSupplier rocks;
    private final Function<ConsumerRecord<byte[], byte[]>, byte[]> storeKey;
    private final boolean sortedBatches;

    /**
     * @param storeKey the store key of a record of the topic, or null for a record the store does not hold
     *                 (tombstones never reach it)
     */
    public SourceTopicStoreSupplier(String name, Function<ConsumerRecord<byte[], byte[]>, byte[]> storeKey) {
        this(name, storeKey, false);
    }

    /**
     * @param sortedBatches whether puts wait and reach RocksDB in sorted batches ({@link SortedBatchWrites}):
     *                      interactive queries then see the store as of its last flush (commit)
     */
    public SourceTopicStoreSupplier(String name, Function<ConsumerRecord<byte[], byte[]>, byte[]> storeKey, boolean sortedBatches) {
        this.rocks = Stores.persistentKeyValueStore(name);
        this.storeKey = storeKey;
        this.sortedBatches = sortedBatches;
    }

    @Override
    public String name() {
        return rocks.name();
    }

    @Override
    public KeyValueStore<Bytes, byte[]> get() {
        KeyValueStore<Bytes, byte[]> store = new RekeyedStore(rocks.get(), storeKey);
        return sortedBatches ? new SortedBatchWrites(store) : store;
    }

    @Override
    public String metricsScope() {
        return rocks.metricsScope();
    }

    /** Delegates everything to RocksDB, except that it re-keys records restored from the topic. */
    private static final class RekeyedStore extends DelegatingBytesStore {
        private final Function<ConsumerRecord<byte[], byte[]>, byte[]> storeKey;

        RekeyedStore(KeyValueStore<Bytes, byte[]> inner, Function<ConsumerRecord<byte[], byte[]>, byte[]> storeKey) {
            super(inner);
            this.storeKey = storeKey;
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
            inner.init(new RekeyingContext(context, storeKey), root);
        }
    }

    /** Passes everything through, but hands Kafka Streams a restore callback that re-keys each record first. */
    private record RekeyingContext(StateStoreContext context, Function<ConsumerRecord<byte[], byte[]>, byte[]> storeKey)
            implements StateStoreContext {

        @Override
        public void register(StateStore store, StateRestoreCallback callback) {
            context.register(store, rekeying(callback));
        }

        @Override
        public void register(StateStore store, StateRestoreCallback callback, CommitCallback commitCallback) {
            context.register(store, rekeying(callback), commitCallback);
        }

        private StateRestoreCallback rekeying(StateRestoreCallback callback) {
            if (!(callback instanceof RecordBatchingStateRestoreCallback batching)) {
                throw new IllegalStateException("a source-topic store expects RocksDB's batching restore callback");
            }
            return (RecordBatchingStateRestoreCallback) records -> batching.restoreBatch(rekey(records));
        }

        private Collection<ConsumerRecord<byte[], byte[]>> rekey(Collection<ConsumerRecord<byte[], byte[]>> records) {
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.value() == null) {
                    continue; // the store holds no tombstones; nothing to restore from one
                }
                byte[] key = storeKey.apply(r);
                if (key == null) {
                    continue;
                }
                out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                        key.length, r.serializedValueSize(), key, r.value(), r.headers(), r.leaderEpoch()));
            }
            return out;
        }

        @Override
        public String applicationId() {
            return context.applicationId();
        }

        @Override
        public TaskId taskId() {
            return context.taskId();
        }

        @Override
        public Optional<RecordMetadata> recordMetadata() {
            return context.recordMetadata();
        }

        @Override
        public Serde<?> keySerde() {
            return context.keySerde();
        }

        @Override
        public Serde<?> valueSerde() {
            return context.valueSerde();
        }

        @Override
        public File stateDir() {
            return context.stateDir();
        }

        @Override
        public StreamsMetrics metrics() {
            return context.metrics();
        }

        @Override
        public Map<String, Object> appConfigs() {
            return context.appConfigs();
        }

        @Override
        public Map<String, Object> appConfigsWithPrefix(String prefix) {
            return context.appConfigsWithPrefix(prefix);
        }
    }
}
