package dev.almanac.query;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.MeteredKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * Interactive queries on one partition of a plain key-value store beneath its serdes: keys and values as
 * the store holds them, serialized. The store is the layer under the metered (serde) one, i.e. the
 * record cache when the store has one, over RocksDB; reading it merges the unflushed cache entries
 * exactly as the typed store does, so it sees the same entries, but decodes none of them. This is what
 * lets a count or a key listing skip Avro decoding; the store's layout and topology are those it has.
 * Kafka Streams' own rules still apply: {@code KafkaStreams.store} answers with a store of a running
 * active task (or, when asked, a standby) of the requested partition, or throws.
 */
final class SerializedKeyValueStoreType implements QueryableStoreType<ReadOnlyKeyValueStore<Bytes, byte[]>> {

    static final SerializedKeyValueStoreType INSTANCE = new SerializedKeyValueStoreType();

    private SerializedKeyValueStoreType() {
    }

    @Override
    public boolean accepts(StateStore store) {
        // Timestamped, versioned and header stores keep more than the value in their bytes: not for this type.
        return store instanceof MeteredKeyValueStore<?, ?> && !WrappedStateStore.isTimestamped(store)
                && !WrappedStateStore.isVersioned(store) && !WrappedStateStore.isHeadersAware(store);
    }

    @Override
    public ReadOnlyKeyValueStore<Bytes, byte[]> create(StateStoreProvider provider, String storeName) {
        // Read as Objects: the provider hands over the metered stores themselves, cast to nothing.
        List<?> stores = provider.stores(storeName, this);
        if (stores.size() != 1) {
            throw new InvalidStateStoreException(storeName + ": " + stores.size() + " stores found; ask for one partition");
        }
        return serialized((StateStore) stores.get(0));
    }

    /** The serialized layer under a typed key-value store, as {@link #accepts} admits it. */
    static ReadOnlyKeyValueStore<Bytes, byte[]> serialized(StateStore typed) {
        if (!INSTANCE.accepts(typed)) {
            throw new IllegalArgumentException(typed.name() + " is not a plain key-value store with serdes");
        }
        KeyValueStore<Bytes, byte[]> inner = ((MeteredKeyValueStore<?, ?>) typed).wrapped();
        return inner;
    }
}
