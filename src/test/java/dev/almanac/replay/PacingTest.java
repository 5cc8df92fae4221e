package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacingTest {

    private static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void shouldSpaceRecordsEvenlyWhenRateIsGiven() {
        Pacing p = new Pacing.Rate(500);
        assertEquals(0, p.dueNanos(0, 5 * DAY, 0));
        assertEquals(2_000_000, p.dueNanos(1, 0, 0));
        assertEquals(1_000_000_000, p.dueNanos(500, 0, 0));
        assertFalse(p.ordersByPublished());
    }

    @Test
    void shouldCompressPublicationGapsWhenSpeedupIsGiven() {
        Pacing p = new Pacing.Speedup(86_400);
        long first = 100 * DAY;
        assertEquals(0, p.dueNanos(0, first, first));
        assertEquals(1_000_000_000L, p.dueNanos(1, first + DAY, first));
        assertEquals(30_000_000_000L, p.dueNanos(7, first + 30 * DAY, first));
        assertEquals(0, p.dueNanos(8, first - DAY, first), "never due before the start");
        assertTrue(p.ordersByPublished());
    }

    @Test
    void shouldNeverWaitWhenMax() {
        assertEquals(0, new Pacing.Max().dueNanos(1_000_000, 40 * 365 * DAY, 0));
    }

    @Test
    void shouldParseRateWhenWrittenWithSuffixes() {
        assertEquals(500, Pacing.Rate.parse("500").perSecond());
        assertEquals(500, Pacing.Rate.parse("500/s").perSecond());
        assertEquals(2000, Pacing.Rate.parse("2k/s").perSecond());
        assertEquals(1_500_000, Pacing.Rate.parse("1.5M").perSecond());
        assertThrows(IllegalArgumentException.class, () -> Pacing.Rate.parse("fast"));
        assertThrows(IllegalArgumentException.class, () -> Pacing.Rate.parse("0/s"));
        assertThrows(IllegalArgumentException.class, () -> new Pacing.Speedup(-1));
    }
}
