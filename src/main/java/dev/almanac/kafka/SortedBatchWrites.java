package dev.almanac.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store whose puts wait in memory and reach the wrapped RocksDB store together, sorted by key, in one
 * write batch: when Kafka Streams flushes the store (every commit), before any read, and when
 * {@value #MAX_PENDING} puts are waiting. One put at a time crosses into native code and searches
 * RocksDB's memtable (a skip list) from its top for each key; a sorted batch crosses once, and each key
 * is inserted next to the one before it.
 *
 * <p>A read on the thread that writes drains the waiting puts first, so that thread reads what it wrote.
 * A read on any other thread (an interactive query) reads RocksDB as it stands and never touches the
 * waiting puts: it sees the writes up to the writer's last drain. Kafka Streams flushes a store under
 * exactly-once only every so many records, so a writer whose store other threads read must also drain
 * on a timer: a punctuation that reads the store (any read, {@code approximateNumEntries} the cheapest). Puts still waiting when the store closes
 * without a flush are dropped, as Kafka Streams drops such a store's uncommitted state (it restores the
 * store from its changelog).
 */
public final class SortedBatchWrites extends DelegatingBytesStore {

    /** The most puts that wait: a commit interval's records of one task, at the rates of these machines. */
    static final int MAX_PENDING = 16_384;

    /**
     * RocksDB's byte order, as {@link Bytes#compareTo} gives it, but compared by the JDK's vectorised
     * mismatch instead of Kafka's byte-by-byte loop: keys of one series share their first tens of bytes.
     */
    private static final Comparator<KeyValue<Bytes, byte[]>> BY_KEY = (a, b) -> Arrays.compareUnsigned(a.key.get(), b.key.get());

    /** Touched only by {@link #writer}. */
    private final List<KeyValue<Bytes, byte[]>> pending = new ArrayList<>();
    /** The thread that put last: the only one that drains; null before the first put. */
    private volatile Thread writer;

    public SortedBatchWrites(KeyValueStore<Bytes, byte[]> inner) {
        super(inner);
    }

    /** Writes the waiting puts, the last put of a key last (the sort is stable); a no-op off the writer's thread. */
    private void drain() {
        if (Thread.currentThread() != writer || pending.isEmpty()) {
            return;
        }
        pending.sort(BY_KEY);
        inner.putAll(pending);
        pending.clear();
    }

    /**
     * Makes the calling thread the writer: a volatile read per put, a write only when the thread changes
     * (Kafka Streams hands a task to another thread only through its own synchronised hand-over).
     */
    private void claim() {
        Thread current = Thread.currentThread();
        if (writer != current) {
            writer = current;
        }
    }

    @Override
    public void put(Bytes key, byte[] value) {
        claim();
        pending.add(KeyValue.pair(key, value));
        if (pending.size() >= MAX_PENDING) {
            drain();
        }
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        claim();
        pending.addAll(entries);
        if (pending.size() >= MAX_PENDING) {
            drain();
        }
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        claim();
        drain();
        return inner.putIfAbsent(key, value);
    }

    @Override
    public byte[] delete(Bytes key) {
        claim();
        drain();
        return inner.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
        drain();
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        drain();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        drain();
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        drain();
        return inner.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        drain();
        return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        drain();
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        drain();
        return inner.approximateNumEntries();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        drain();
        return inner.query(query, positionBound, config);
    }

    @Override
    public void flush() {
        drain();
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        drain();
        inner.commit(changelogOffsets);
    }

    @Override
    public void close() {
        pending.clear();
        inner.close();
    }
}
