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
    void shouldStopLoadingWhileLoadingCostsMoreThanItServesAndKeepServingWhatItHolds() {
        SeriesCache<List<Integer>> c = cache(8, 100);
        c.add("kept", series(2), 0);
        int records = 0;
        // Every record loads a new 2-entry series that evicts the eldest: nothing is ever served twice.
        while (records < 20_000 && c.loading()) {
            records++;
            assertTrue(c.enabled());
            if (c.loading()) {
                c.add("s" + records, series(2), 3);
                c.get("kept");
            }
        }
        assertFalse(c.loading(), "the cache stops loading once loads cost more than they serve");
        assertTrue(records <= 8_192, "within one window: " + records);
        assertEquals(2, c.get("kept").size(), "and still serves the series it holds");
        int paused = 0;
        while (!c.loading()) {
            assertTrue(c.enabled(), "a cache that does not load still serves");
            paused++;
        }
        assertEquals(8_192, paused, "as many records as the larger of its bound and a window");
        // The next trial fails the same way: the pause is twice as long.
        int tried = 0;
        for (int i = 0; c.loading(); i++) {
            c.enabled();
            if (c.loading()) {
                c.add("t" + i, series(2), 3);
            }
            tried++;
        }
        paused = 0;
        while (!c.loading()) {
            c.enabled();
            paused++;
        }
        assertEquals(8_192, tried, "a window's trial");
        assertEquals(2 * 8_192, paused, "twice as long after a second failed trial");
    }

    @Test
    void shouldNeverUseACacheWithNoRoom() {
        SeriesCache<List<Integer>> c = cache(0, 100);
        assertFalse(c.enabled());
    }
}
