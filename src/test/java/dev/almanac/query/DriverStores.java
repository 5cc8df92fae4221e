package dev.almanac.query;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link LocalStores} over a {@link TopologyTestDriver}'s real stores (one partition), counting every
 * store call so tests can tell a lookup from a scan.
 */
final class DriverStores implements LocalStores {

    private final TopologyTestDriver driver;
    private final String applicationId;
    final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    DriverStores(TopologyTestDriver driver, String applicationId) {
        this.driver = driver;
        this.applicationId = applicationId;
    }

    long calls(String store, String op) {
        AtomicLong n = calls.get(store + "." + op);
        return n == null ? 0 : n.get();
    }

    long scans() {
        return calls.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".all") || e.getKey().endsWith(".range") || e.getKey().endsWith(".prefixScan"))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    void reset() {
        calls.clear();
    }

    private void count(String store, String op) {
        calls.computeIfAbsent(store + "." + op, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public String instance() {
        return "driver:0";
    }

    @Override
    public String changelogTopic(String store) {
        return applicationId + "-" + store + "-changelog";
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValue(String store, int partition, boolean allowStandby) {
        ReadOnlyKeyValueStore<K, V> inner = driver.getKeyValueStore(store);
        if (inner == null) {
            throw new StoreUnavailableException("no store " + store);
        }
        return counting(store, inner);
    }

    /** Calls are counted under {@code <store>.serialized.<op>}, and as scans. */
    @Override
    public ReadOnlyKeyValueStore<Bytes, byte[]> serializedKeyValue(String store, int partition, boolean allowStandby) {
        // The driver hands out the typed (metered) store itself.
        StateStore typed = (StateStore) driver.getKeyValueStore(store);
        if (typed == null) {
            throw new StoreUnavailableException("no store " + store);
        }
        return counting(store + ".serialized", SerializedKeyValueStoreType.serialized(typed));
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> counting(String store, ReadOnlyKeyValueStore<K, V> inner) {
        return new ReadOnlyKeyValueStore<>() {
            @Override
            public V get(K key) {
                count(store, "get");
                return inner.get(key);
            }

            @Override
            public KeyValueIterator<K, V> range(K from, K to) {
                count(store, "range");
                return inner.range(from, to);
            }

            @Override
            public KeyValueIterator<K, V> reverseRange(K from, K to) {
                // Bounded to one key's vintages (the latest table's point reads), so not counted as a scan.
                count(store, "reverseRange");
                return inner.reverseRange(from, to);
            }

            @Override
            public KeyValueIterator<K, V> all() {
                count(store, "all");
                return inner.all();
            }

            @Override
            public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
                count(store, "prefixScan");
                return inner.prefixScan(prefix, prefixKeySerializer);
            }

            @Override
            public long approximateNumEntries() {
                return inner.approximateNumEntries();
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R query(String store, int partition, boolean allowStandby, Query<R> query) {
        count(store, query.getClass().getSimpleName());
        StateStore s = (StateStore) driver.getVersionedKeyValueStore(store);
        QueryResult<R> r = s.query(query, PositionBound.unbounded(), new QueryConfig(false));
        if (r.isFailure()) {
            throw new StoreUnavailableException(r.getFailureReason() + ": " + r.getFailureMessage());
        }
        return r.getResult();
    }

    static <K, V> KeyValue<K, V> kv(K k, V v) {
        return KeyValue.pair(k, v);
    }
}
