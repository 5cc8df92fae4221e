package dev.almanac.query;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * This instance's state stores, one partition at a time. Reads that cannot be served here throw
 * {@link StoreUnavailableException}.
 */
interface LocalStores {

    /** This instance's name as other instances know it ({@code application.server}, host:port). */
    String instance();

    /** The changelog topic of a store: its key serializer registers schemas under this topic's subject. */
    String changelogTopic(String store);

    /**
     * A key-value store partition.
     *
     * @param allowStandby also serve from a standby (or restoring) replica
     */
    <K, V> ReadOnlyKeyValueStore<K, V> keyValue(String store, int partition, boolean allowStandby);

    /**
     * The same key-value store partition as {@link #keyValue}, beneath its serdes: keys and values as
     * stored (serialized), with the same entries (the record cache's unflushed ones included). For reads
     * that need no value, such as counts, so that nothing is decoded.
     */
    ReadOnlyKeyValueStore<Bytes, byte[]> serializedKeyValue(String store, int partition, boolean allowStandby);

    /** Runs an IQv2 query (versioned stores) on one partition. */
    <R> R query(String store, int partition, boolean allowStandby, Query<R> query);
}
