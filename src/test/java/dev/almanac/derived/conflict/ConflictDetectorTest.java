package dev.almanac.derived.conflict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConflictDetectorTest {

    @Test
    void shouldWriteTheRatioExactlyAsStringFormatDoes() {
        SplittableRandom random = new SplittableRandom(20261202);
        double[] edges = {0.0, -0.0, 1.5, 1.005, 1.015, 1.025, 2.675, 0.125, 0.135, 1e-9, 123456789.995, 1e12 / 3, 2.0 / 3, 0.005, 0.015};
        for (double r : edges) {
            assertEquals(String.format(Locale.ROOT, " (×%.2f)", r), ConflictDetector.ratio(r), "ratio " + r);
            assertEquals(String.format(Locale.ROOT, " (×%.2f)", -r), ConflictDetector.ratio(-r), "ratio " + -r);
        }
        for (int i = 0; i < 200_000; i++) {
            double r = random.nextDouble(1e8, 1e12) / random.nextDouble(1e8, 1e12);
            assertEquals(String.format(Locale.ROOT, " (×%.2f)", r), ConflictDetector.ratio(r), "ratio " + r);
        }
    }
}
