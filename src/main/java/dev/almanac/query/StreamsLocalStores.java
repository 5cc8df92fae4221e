package dev.almanac.query;

import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stores of a running {@link KafkaStreams}, one partition at a time: key-value stores through
 * interactive queries (they offer prefix scans), typed or serialized ({@link SerializedKeyValueStoreType}),
 * versioned stores through IQv2. Without {@code allowStandby} only a running active task answers, so a
 * restoring or migrating partition is reported unavailable rather than read half-restored.
 */
public final class StreamsLocalStores implements LocalStores {

    private final KafkaStreams streams;
    private final String applicationId;
    private final String instance;

    public StreamsLocalStores(KafkaStreams streams, String applicationId, String instance) {
        this.streams = streams;
        this.applicationId = applicationId;
        this.instance = instance;
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public String changelogTopic(String store) {
        return applicationId + "-" + store + "-changelog";
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValue(String store, int partition, boolean allowStandby) {
        StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> p =
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore()).withPartition(partition);
        try {
            return streams.store(allowStandby ? p.enableStaleStores() : p);
        } catch (InvalidStateStoreException e) {
            throw unavailable(store, partition, allowStandby, e);
        }
    }

    @Override
    public ReadOnlyKeyValueStore<Bytes, byte[]> serializedKeyValue(String store, int partition, boolean allowStandby) {
        StoreQueryParameters<ReadOnlyKeyValueStore<Bytes, byte[]>> p =
                StoreQueryParameters.fromNameAndType(store, SerializedKeyValueStoreType.INSTANCE).withPartition(partition);
        try {
            return streams.store(allowStandby ? p.enableStaleStores() : p);
        } catch (InvalidStateStoreException e) {
            throw unavailable(store, partition, allowStandby, e);
        }
    }

    private StoreUnavailableException unavailable(String store, int partition, boolean allowStandby, InvalidStateStoreException e) {
        return new StoreUnavailableException(store + " partition " + partition + " is not " + (allowStandby ? "hosted" : "active")
                + " on " + instance + " (" + streams.state() + "): " + e.getMessage(), e);
    }

    @Override
    public <R> R query(String store, int partition, boolean allowStandby, Query<R> query) {
        StateQueryRequest<R> request = StateQueryRequest.inStore(store).withQuery(query).withPartitions(Set.of(partition));
        StateQueryResult<R> result;
        try {
            result = streams.query(allowStandby ? request : request.requireActive());
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException(store + " partition " + partition + " on " + instance + ": " + e.getMessage(), e);
        }
        QueryResult<R> r = result.getPartitionResults().get(partition);
        if (r == null) {
            throw new StoreUnavailableException(store + " partition " + partition + " did not answer on " + instance);
        }
        if (r.isFailure()) {
            throw new StoreUnavailableException(store + " partition " + partition + " on " + instance + ": "
                    + r.getFailureReason() + " " + r.getFailureMessage());
        }
        return r.getResult();
    }
}
