package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DateWindowTest {

    private static long t(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void shouldIncludeWholeDaysWhenBoundsAreDates() {
        DateWindow w = DateWindow.of("2025-06-23", "2025-12-08");
        assertFalse(w.contains(t("2025-06-22T23:59:59.999Z")));
        assertTrue(w.contains(t("2025-06-23T00:00:00Z")));
        assertTrue(w.contains(t("2025-12-08T23:59:59.999Z")));
        assertFalse(w.contains(t("2025-12-09T00:00:00Z")));
    }

    @Test
    void shouldCoverWholeMonthWhenBoundIsAMonth() {
        assertEquals(Instant.parse("2025-02-28T23:59:59.999Z"), DateWindow.endOf("2025-02"));
        assertEquals(Instant.parse("2025-02-01T00:00:00Z"), DateWindow.startOf("2025-02"));
    }

    @Test
    void shouldUseInstantWhenBoundIsADateTime() {
        assertEquals(Instant.parse("2026-01-20T01:30:00Z"), DateWindow.endOf("2026-01-20T09:30:00+08:00"));
    }

    @Test
    void shouldBeUnboundedWhenNoBoundGiven() {
        DateWindow w = DateWindow.of(null, null);
        assertFalse(w.bounded());
        assertTrue(w.contains(Long.MIN_VALUE + 1) && w.contains(Long.MAX_VALUE));
        assertTrue(DateWindow.of(null, "2025-01-01").contains(t("1990-01-01T00:00:00Z")));
    }

    @Test
    void shouldRejectWhenBoundsAreReversedOrUnreadable() {
        assertThrows(IllegalArgumentException.class, () -> DateWindow.of("2025-12-09", "2025-12-08"));
        assertThrows(IllegalArgumentException.class, () -> DateWindow.of("yesterday", null));
        assertThrows(IllegalArgumentException.class, () -> DateWindow.endOf("2025-02-30"));
    }
}
