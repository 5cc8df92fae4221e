package dev.almanac.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesCacheTest {

    private static SeriesCache<List<Integer>> cache(int maxEntries, int maxSeriesEntries) {
        return new SeriesCache<>(maxEntries, maxSeriesEntries, List::size);
    }

    private static List<Integer> series(int size) {
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            s.add(i);
        }
        return s;
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedSeriesWhenTheBoundIsPassed() {
        SeriesCache<List<Integer>> c = cache(10, 10);
        c.add("a", series(4), 4);
        c.add("b", series(4), 4);
        c.get("a");
        c.add("c", series(4), 4);
        assertNull(c.get("b"), "b was used least recently");
        assertEquals(4, c.get("a").size());
        assertEquals(4, c.get("c").size());
    }

    @Test
    void shouldDropASeriesThatGrowsPastTheLongestItTakesAndRememberIt() {
        SeriesCache<List<Integer>> c = cache(100, 3);
        List<Integer> s = series(3);
        c.add("a", s, 3);
        s.add(99);
        c.grew("a", s, 1);
        assertNull(c.get("a"));
        assertTrue(c.tooLong("a"));
    }

    @Test
    void shouldStepAsideWhileLoadingCostsMoreThanItServesAndComeBackAfter() {
        SeriesCache<List<Integer>> c = cache(8, 100);
        int records = 0;
        boolean sawBypass = false;
        // Every record loads a 10-entry series that evicts the one before: nothing is ever served twice.
        while (records < 20_000 && !sawBypass) {
            records++;
            if (c.enabled()) {
                c.add("s" + records, series(10), 10);
            } else {
                sawBypass = true;
            }
        }
        assertTrue(sawBypass, "the cache steps aside once loads cost more than they serve");
        assertTrue(records <= 8_192, "within one window: " + records);
        int bypassed = 1;
        while (!c.enabled()) {
            bypassed++;
        }
        assertEquals(1 + 8_192, bypassed, "the record that found out, then as many as the larger of its bound and a window");
        // The next trial fails the same way: the step aside is twice as long.
        int tried = 2; // the record that ended the step aside above was the trial's first
        for (int i = 0; c.enabled(); i++) {
            c.add("t" + i, series(10), 10);
            tried++;
        }
        bypassed = 1;
        while (!c.enabled()) {
            bypassed++;
        }
        assertEquals(8_192, tried, "a window's trial");
        assertEquals(1 + 2 * 8_192, bypassed, "twice as long after a second failed trial");
    }

    @Test
    void shouldNeverUseACacheWithNoRoom() {
        SeriesCache<List<Integer>> c = cache(0, 100);
        assertFalse(c.enabled());
    }
}
