package dev.almanac.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void shouldTakeTheMiddleRateOfAnOddNumberOfRunsWhateverTheirOrder() {
        assertEquals(12_000.0, BenchCommand.median(15_000.0, 9_000.0, 12_000.0));
    }

    @Test
    void shouldTakeTheMeanOfTheMiddleTwoRatesOfAnEvenNumberOfRuns() {
        assertEquals(11_000.0, BenchCommand.median(15_000.0, 9_000.0, 12_000.0, 10_000.0));
    }

    @Test
    void shouldTakeTheOnlyRateOfOneRun() {
        assertEquals(9_500.0, BenchCommand.median(9_500.0));
    }
}
