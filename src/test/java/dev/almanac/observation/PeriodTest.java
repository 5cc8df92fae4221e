package dev.almanac.observation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeriodTest {

    @ParameterizedTest
    @CsvSource({
        "2025, A, 2025-01-01, 2025-12-31",
        "2025-Q3, Q, 2025-07-01, 2025-09-30",
        "2025-H1, H, 2025-01-01, 2025-06-30",
        "2025-H2, H, 2025-07-01, 2025-12-31",
        "2025-11, M, 2025-11-01, 2025-11-30",
        "2024-02, M, 2024-02-01, 2024-02-29",
        "2025-Q1..Q3, YTD, 2025-01-01, 2025-09-30",
        "2025-01..11, YTD, 2025-01-01, 2025-11-30",
        "2021..2025, SPAN, 2021-01-01, 2025-12-31",
        "asof:2025-12-31, STOCK, 2025-12-31, 2025-12-31",
        "asof:2025-06, STOCK, 2025-06-30, 2025-06-30"})
    void shouldParseTypedPeriodWhenTextFollowsGrammar(String text, Frequency frequency, LocalDate start, LocalDate end) {
        Period p = Period.parse(text);
        assertEquals(frequency, p.frequency());
        assertEquals(start, p.start());
        assertEquals(end, p.end());
        assertEquals(text, p.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "25", "2025-Q5", "2025-H3", "2025-13", "2025-02..11", "2025-Q2..Q3", "2025..2021",
        "asof:2025-02-30", "asof:2025", "2025/11", "FY2025", "2025-11-03", "Q3 2025"})
    void shouldRejectWhenTextIsOutsideGrammar(String text) {
        assertTrue(Period.tryParse(text).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Period.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"2025, 2024", "2025-Q1..Q3, 2024-Q1..Q3", "2025-H1, 2024-H1", "2025-01..11, 2024-01..11",
        "2025-11, 2024-11", "2021..2025, 2020..2024", "asof:2025-12-31, asof:2024-12-31", "asof:2025-06, asof:2024-06"})
    void shouldShiftOneYearWhenAskedForPreviousYear(String text, String previous) {
        assertEquals(previous, Period.parse(text).previousYear().text());
    }

    @Test
    void shouldOrderNewestLastWhenPeriodsEndAtDifferentTimes() {
        List<Period> periods = new ArrayList<>(List.of(Period.parse("2025"), Period.parse("asof:2025-06-23"),
                Period.parse("2025-Q4"), Period.parse("2024"), Period.parse("asof:2025-12-31")));
        periods.sort(null);
        assertEquals(List.of("2024", "asof:2025-06-23", "2025", "2025-Q4", "asof:2025-12-31"),
                periods.stream().map(Period::text).toList());
    }
}
