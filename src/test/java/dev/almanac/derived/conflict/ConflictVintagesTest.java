package dev.almanac.derived.conflict;

import static dev.almanac.derived.DerivedDriver.obs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.Qualifier;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class ConflictVintagesTest {

    private static IndicatorObservation gdp(String id, String period, String published) {
        return obs(id, "gdp", "CN-BJ", period, 1e12, "CNY", Qualifier.exact, published);
    }

    @Test
    void shouldSortTheKeysOfASeriesInPeriodOrderWithEachPeriodsVintagesTogether() {
        List<String> periods = List.of("2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1");
        List<IndicatorObservation> all = new ArrayList<>();
        for (String p : periods) {
            for (int v = 0; v < 3; v++) {
                all.add(gdp(p + "-v" + v + (v == 2 ? "\uFFFD" : ""), p, "2025-0" + (v + 4) + "-01"));
            }
        }
        List<Bytes> keys = new ArrayList<>();
        for (IndicatorObservation o : all) {
            keys.add(Bytes.wrap(ConflictVintages.entryKey(o)));
        }
        List<Bytes> sorted = new ArrayList<>(keys);
        Collections.shuffle(sorted, new Random(3));
        Collections.sort(sorted);
        assertEquals(keys, sorted, "byte order is period order, then id");
    }

    @Test
    void shouldFileARestoredRecordUnderTheKeyProcessingUses() {
        IndicatorObservation o = gdp("a", "2025-Q3", "2025-10-20");
        String periodKey = ConflictVintages.periodKey("gdp", "CN-BJ", Period.parse("2025-Q3"));
        assertArrayEquals(ConflictVintages.entryKey(periodKey, "a").get(), ConflictVintages.entryKey(o));
    }

    @Test
    void shouldSkipARecordWhosePeriodDoesNotParse() {
        assertNull(ConflictVintages.entryKey(gdp("a", "sometime", "2025-10-20")));
    }

    @Test
    void shouldReadThePeriodKeyFromAnEntryKeyEvenWhenTheIdHoldsZeroBytes() {
        for (String period : List.of("2025", "2025-Q3", "2025-Q1..Q3", "2025-11", "asof:2025-12-31")) {
            String periodKey = ConflictVintages.periodKey("gdp", "CN-BJ", Period.parse(period));
            for (String id : List.of("a", "obs\u0000with\u0000zeros", "\u0000")) {
                assertArrayEquals(periodKey.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        ConflictVintages.periodKeyOf(ConflictVintages.entryKey(periodKey, id).get()), period + " / " + id);
            }
        }
    }
}
