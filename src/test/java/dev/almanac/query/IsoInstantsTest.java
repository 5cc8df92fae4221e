package dev.almanac.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    @Test
    void shouldWriteWhatInstantToStringWritesForAnyMillisecond() {
        long[] edges = {0, 1, -1, 999, 1000, -1000, -1001, 86_399_999, 86_400_000, -86_400_000,
            Instant.parse("1949-10-01T00:00:00Z").toEpochMilli(), Instant.parse("2026-01-20T02:00:00.250Z").toEpochMilli(),
            Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli(), Instant.parse("0000-01-01T00:00:00Z").toEpochMilli(),
            Instant.parse("0000-01-01T00:00:00Z").toEpochMilli() - 1, Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(),
            Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli() + 1, Long.MAX_VALUE / 1000, Long.MIN_VALUE / 1000};
        for (long t : edges) {
            assertEquals(Instant.ofEpochMilli(t).toString(), IsoInstants.format(t), "at " + t);
        }
        SplittableRandom random = new SplittableRandom(42);
        long from = Instant.parse("-0100-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("+10100-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 200_000; i++) {
            long t = random.nextLong(from, to);
            if (i % 3 == 0) {
                t -= Math.floorMod(t, 1000); // whole seconds: no fraction written
            }
            assertEquals(Instant.ofEpochMilli(t).toString(), IsoInstants.format(t), "at " + t);
        }
    }
}
