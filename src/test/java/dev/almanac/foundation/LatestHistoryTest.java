package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class LatestHistoryTest {

    private static byte[] key(String indicator, String region, String period, String published, String id) {
        return LatestHistory.entryKey(LatestHistory.keyPrefix(indicator, region, period), Instant.parse(published).toEpochMilli(), id);
    }

    @Test
    void shouldParseWhatItEncodesWhenFieldsAreNonAscii() {
        byte[] k = key("gdp", "CN-BJ", "2025", "1949-10-01T00:00:00Z", "观测-1");
        LatestHistory.Vintage v = LatestHistory.parse(k);
        assertEquals(new LatestHistory.Vintage("gdp", "CN-BJ", "2025", Instant.parse("1949-10-01T00:00:00Z").toEpochMilli(), "观测-1"), v);
    }

    @Test
    void shouldOrderVintagesByPublicationTimeWhenSomeAreBefore1970() {
        List<Bytes> keys = new ArrayList<>(List.of(
                Bytes.wrap(key("gdp", "CN", "2025", "2026-01-21T00:00:00Z", "b")),
                Bytes.wrap(key("gdp", "CN", "2025", "1952-01-01T00:00:00Z", "z")),
                Bytes.wrap(key("gdp", "CN", "2025", "1970-01-01T00:00:00Z", "a")),
                Bytes.wrap(key("gdp", "CN", "2025", "2026-01-21T00:00:00Z", "a"))));
        keys.sort(null);
        assertEquals(List.of("z", "a", "a", "b"), keys.stream().map(b -> LatestHistory.parse(b.get()).id()).toList());
        assertEquals(List.of(1952, 1970, 2026, 2026), keys.stream()
                .map(b -> Instant.ofEpochMilli(LatestHistory.parse(b.get()).published()).toString().substring(0, 4))
                .map(Integer::parseInt).toList());
    }

    @Test
    void shouldKeepOneIndicatorsKeysApartWhenAnotherIndicatorStartsWithItsName() {
        byte[] gdp = LatestHistory.indicatorPrefix("gdp");
        byte[] growth = key("gdp_growth", "CN", "2025", "2026-01-01T00:00:00Z", "x");
        assertTrue(!startsWith(growth, gdp), "gdp_growth is not under gdp's prefix");
        byte[] series = LatestHistory.seriesPrefix("gdp", "CN");
        assertTrue(!startsWith(key("gdp", "CN-BJ", "2025", "2026-01-01T00:00:00Z", "x"), series), "CN-BJ is not under CN exactly");
        assertTrue(startsWith(key("gdp", "CN", "2025", "2026-01-01T00:00:00Z", "x"), series));
    }

    @Test
    void shouldBoundARangeAfterEveryIdPublishedAtTheCutoff() {
        byte[] prefix = LatestHistory.keyPrefix("gdp", "CN", "2025");
        long t = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        Bytes bound = Bytes.wrap(LatestHistory.upTo(prefix, t));
        assertTrue(Bytes.wrap(LatestHistory.entryKey(prefix, t, "\uFFFF-last")).compareTo(bound) < 0);
        assertTrue(Bytes.wrap(LatestHistory.entryKey(prefix, t + 1, "")).compareTo(bound) > 0);
        assertTrue(Bytes.wrap(prefix).compareTo(Bytes.wrap(LatestHistory.entryKey(prefix, Long.MIN_VALUE, ""))) <= 0);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(Arrays.copyOf(bytes, prefix.length), prefix);
    }
}
