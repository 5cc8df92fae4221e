package dev.almanac.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RegistryRetryTest {

    private final List<Duration> slept = new ArrayList<>();
    private final RegistryRetry retry = new RegistryRetry(RegistryRetry.PAUSES, slept::add);

    /** A decode that fails as the registry being down would make it fail, {@code failures} times, then answers. */
    private static Supplier<String> downFor(int failures, int[] calls) {
        return () -> {
            if (calls[0]++ < failures) {
                throw new SerializationException("cannot resolve writer schema id 42",
                        new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR, "schema registry unreachable: connection refused"));
            }
            return "decoded";
        };
    }

    @Test
    void shouldAnswerInPlaceWhenTheRegistryComesBackWithinTheBackoff() {
        int[] calls = {0};
        assertEquals("decoded", retry.call(downFor(3, calls)));
        assertEquals(4, calls[0]);
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2)), slept);
    }

    @Test
    void shouldThrowRegistryUnavailableWhenTheLastPauseDidNotHelp() {
        int[] calls = {0};
        assertThrows(RegistryUnavailableException.class, () -> retry.call(downFor(Integer.MAX_VALUE, calls)));
        assertEquals(5, calls[0], "the first attempt and one after each of the 4 pauses");
        assertEquals(RegistryRetry.PAUSES, slept);
        assertEquals(Duration.ofMillis(7500), slept.stream().reduce(Duration.ZERO, Duration::plus), "well under the 10 s transaction timeout");
    }

    @Test
    void shouldGiveTheNextRecordItsOwnRetriesWhenTheRegistryFailsAgain() {
        int[] first = {0};
        assertEquals("decoded", retry.call(downFor(4, first)));
        int[] second = {0};
        assertEquals("decoded", retry.call(downFor(2, second)));
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofMillis(500), Duration.ofSeconds(1)), slept);
    }

    @Test
    void shouldThrowAtOnceWhenTheFailureIsTheRecordsOwn() {
        SerializationException unknownId = new SerializationException("cannot resolve writer schema id 42",
                new SchemaRegistryException(404, 40403, "Schema 42 not found"));
        SerializationException thrown = assertThrows(SerializationException.class, () -> retry.call(() -> {
            throw unknownId;
        }));
        assertSame(unknownId, thrown);
        assertEquals(List.of(), slept);
    }
}
