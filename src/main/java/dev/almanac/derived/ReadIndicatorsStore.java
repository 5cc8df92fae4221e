package dev.almanac.derived;

import dev.almanac.kafka.DelegatingBytesStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * The derived application's latest store (timestamped RocksDB, as the DSL makes it), which answers for the
 * keys of indicators no derived table reads without calling RocksDB. The latest table reads such records as
 * deletions of their key ({@link DerivedInputs#latest}); for each one Kafka Streams' table source reads the
 * key's old value, and the record cache later deletes the key and reads its old value again: three RocksDB
 * calls for a key that is not there, most of the latest topic's records (six of the bench's eight
 * indicators). Here the reads return nothing and the deletions do nothing.
 *
 * <p>Keys are framed Avro {@link dev.almanac.avro.ObservationKey}s: a magic byte, a four-byte schema id, then
 * the indicator as a zig-zag varint length and its UTF-8 bytes ({@link DerivedInputs#seriesPrefix}).
 */
final class ReadIndicatorsStore extends DelegatingBytesStore implements TimestampedBytesStore {

    /** Bytes before the indicator's length in a framed key. */
    private static final int HEADER = 5;

    private final byte[][] read;

    private ReadIndicatorsStore(KeyValueStore<Bytes, byte[]> inner, byte[][] read) {
        super(inner);
        this.read = read;
    }

    /**
     * A supplier of timestamped RocksDB stores named {@code name} that skip the keys of indicators outside
     * {@code read}. The set is read when a task creates its store, after the topology is built: the tables
     * add the indicators they read while it is built.
     */
    static KeyValueBytesStoreSupplier supplier(String name, Set<String> read) {
        KeyValueBytesStoreSupplier rocks = Stores.persistentTimestampedKeyValueStore(name);
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return rocks.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new ReadIndicatorsStore(rocks.get(), read.stream()
                        .map(i -> i.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
            }

            @Override
            public String metricsScope() {
                return rocks.metricsScope();
            }
        };
    }

    private boolean isRead(byte[] key) {
        return isRead(key, read);
    }

    /** Whether {@code key} is the key of an indicator in {@code read} (or not a key this store understands). */
    static boolean isRead(byte[] key, byte[][] read) {
        if (key.length <= HEADER) {
            return true;
        }
        // Avro's zig-zag varint: seven bits a byte, low bits first; a length is never negative.
        int raw = 0;
        int shift = 0;
        int i = HEADER;
        while (true) {
            if (i >= key.length || shift > 28) {
                return true;
            }
            byte b = key[i++];
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        int length = (raw >>> 1) ^ -(raw & 1);
        if (length < 0 || i + length > key.length) {
            return true;
        }
        for (byte[] indicator : read) {
            if (Arrays.equals(key, i, i + length, indicator, 0, indicator.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] get(Bytes key) {
        return isRead(key.get()) ? inner.get(key) : null;
    }

    @Override
    public void put(Bytes key, byte[] value) {
        if (value != null || isRead(key.get())) {
            inner.put(key, value);
        }
    }

    @Override
    public byte[] delete(Bytes key) {
        return isRead(key.get()) ? inner.delete(key) : null;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        inner.putAll(entries.stream().filter(e -> e.value != null || isRead(e.key.get())).toList());
    }
}
