package dev.almanac.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Puts wait for a flush, a read or a full batch, and the store then holds exactly what was put, last put of a key winning. */
class SortedBatchWritesTest {

    private KeyValueStore<Bytes, byte[]> inner;
    private SortedBatchWrites store;

    @BeforeEach
    void open() {
        inner = Stores.inMemoryKeyValueStore("sorted-batch-test").get();
        store = new SortedBatchWrites(inner);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Bytes key(String k) {
        return Bytes.wrap(k.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] value(String v) {
        return v.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(KeyValueIterator<Bytes, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(e -> out.add(new String(e.key.get(), StandardCharsets.UTF_8) + "=" + new String(e.value, StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void shouldWritePutsOnlyWhenFlushed() {
        store.put(key("b"), value("2"));
        store.put(key("a"), value("1"));
        assertNull(inner.get(key("a")), "waiting");
        store.flush();
        assertArrayEquals(value("1"), inner.get(key("a")));
        assertArrayEquals(value("2"), inner.get(key("b")));
    }

    @Test
    void shouldReadItsOwnPutsBeforeAFlush() {
        store.put(key("c"), value("3"));
        store.put(key("a"), value("1"));
        assertArrayEquals(value("3"), store.get(key("c")));
        store.put(key("b"), value("2"));
        assertEquals(List.of("a=1", "b=2", "c=3"), keys(store.range(key("a"), key("z"))));
        store.put(key("d"), value("4"));
        assertEquals(List.of("d=4", "c=3", "b=2", "a=1"), keys(store.reverseRange(key("a"), key("z"))));
    }

    @Test
    void shouldKeepTheLastPutOfAKeyAndTreatANullValueAsADeletion() {
        store.put(key("k"), value("first"));
        store.put(key("j"), value("other"));
        store.put(key("k"), value("second"));
        store.putAll(List.of(KeyValue.pair(key("j"), null), KeyValue.pair(key("k"), value("third"))));
        store.flush();
        assertArrayEquals(value("third"), inner.get(key("k")));
        assertNull(inner.get(key("j")));
    }

    @Test
    void shouldWriteAFullBatchWithoutWaitingForAFlush() {
        for (int i = 0; i < SortedBatchWrites.MAX_PENDING; i++) {
            store.put(key(String.format("k%06d", i)), value(Integer.toString(i)));
        }
        assertEquals(SortedBatchWrites.MAX_PENDING, inner.approximateNumEntries());
        store.put(key("late"), value("x"));
        assertNull(inner.get(key("late")), "the next batch waits");
    }

    @Test
    void shouldLetAnotherThreadReadOnlyWhatTheLastFlushWrote() throws Exception {
        store.put(key("a"), value("1"));
        store.flush();
        store.put(key("b"), value("2"));
        assertEquals(List.of("a=1"), onAnotherThread(() -> keys(store.range(key("a"), key("z")))),
                "a query thread sees the flushed put only");
        assertEquals(List.of("a=1"), onAnotherThread(() -> keys(store.all())), "and does not drain the waiting one");
        assertNull(inner.get(key("b")), "still waiting for the writer");
        store.flush();
        assertEquals(List.of("a=1", "b=2"), onAnotherThread(() -> keys(store.all())));
    }

    private static <T> T onAnotherThread(java.util.concurrent.Callable<T> read) throws Exception {
        var executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return executor.submit(read).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }
}
