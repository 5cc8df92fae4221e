package dev.almanac.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.observation.ObservationJson;
import dev.almanac.avro.IndicatorObservation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticObservationsTest {

    @Test
    void shouldSpreadLongSeriesEvenlyOverMonthsAndVintages() {
        SyntheticObservations gen = SyntheticObservations.longSeries(8_000, 20, 7);
        Map<String, Integer> perSeries = new HashMap<>();
        Map<String, Set<String>> monthsPerSeries = new HashMap<>();
        Set<String> keys = new HashSet<>();
        while (gen.hasNext()) {
            IndicatorObservation o = ObservationJson.parse(gen.next().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String series = o.getIndicator() + "|" + o.getRegion();
            perSeries.merge(series, 1, Integer::sum);
            monthsPerSeries.computeIfAbsent(series, k -> new HashSet<>()).add(o.getPeriod());
            keys.add(series + "|" + o.getPeriod() + "|" + o.getPublished());
            assertTrue(o.getPeriod().matches("\\d{4}-\\d{2}"), o.getPeriod());
        }
        assertEquals(20, perSeries.size());
        perSeries.values().forEach(n -> assertEquals(400, n));
        monthsPerSeries.values().forEach(m -> assertEquals(400 / SyntheticObservations.LONG_SERIES_VINTAGES, m.size()));
        assertEquals(8_000, keys.size(), "every vintage of a month has its own publication date");
    }
}
