package dev.almanac.observation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PublishedTest {

    @Test
    void shouldReadEveryCalendarDateAsTheIsoFormatterDoes() {
        for (LocalDate d = LocalDate.of(1999, 12, 1); d.isBefore(LocalDate.of(2030, 3, 2)); d = d.plusDays(1)) {
            assertEquals(d.atStartOfDay(ZoneOffset.UTC).toInstant(), Published.parse(d.toString()), d.toString());
        }
    }

    @Test
    void shouldRejectDatesThatDoNotExist() {
        for (String bad : new String[] {"2025-02-29", "2024-02-30", "2025-04-31", "2025-13-01", "2025-00-10", "2025-01-00",
            "2025-1-011", "2025/01/01", "20250-1-01", "2025-0a-01", "+025-01-01"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Published.parse(bad), bad);
            assertEquals("published '" + bad + "' is not YYYY-MM-DD, YYYY-MM or an ISO-8601 date-time", e.getMessage());
        }
    }

    @Test
    void shouldAcceptALeapDayInALeapYear() {
        assertEquals(LocalDate.of(2024, 2, 29).atStartOfDay(ZoneOffset.UTC).toInstant(), Published.parse(" 2024-02-29 "));
    }
}
