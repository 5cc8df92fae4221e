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

    @Test
    void shouldMakeVintagesOfAPeriodAgreeAsRevisionsDoExceptRareUnitSlips() {
        SyntheticObservations gen = new SyntheticObservations(100_000, 50, 11);
        Map<String, java.util.List<Double>> vintages = new HashMap<>();
        Map<String, Double> annual = new HashMap<>();
        Map<String, Double> quarters = new HashMap<>();
        while (gen.hasNext()) {
            IndicatorObservation o = ObservationJson.parse(gen.next().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            vintages.computeIfAbsent(o.getIndicator() + "|" + o.getRegion() + "|" + o.getPeriod(), k -> new java.util.ArrayList<>())
                    .add(o.getValue());
        }
        int pairs = 0;
        int close = 0;
        for (Map.Entry<String, java.util.List<Double>> v : vintages.entrySet()) {
            java.util.List<Double> values = v.getValue();
            for (int i = 1; i < values.size(); i++) {
                pairs++;
                double ratio = values.get(i) / values.get(0);
                if (ratio > 0.99 && ratio < 1.01) {
                    close++;
                }
            }
            String[] k = v.getKey().split("\\|");
            if (!k[0].endsWith("_count") && !k[0].equals("patent_grants")) {
                if (k[2].length() == 4) {
                    annual.put(k[0] + "|" + k[1] + "|" + k[2], values.get(0));
                } else if (k[2].endsWith("-Q1")) {
                    quarters.put(k[0] + "|" + k[1] + "|" + k[2].substring(0, 4), values.get(0));
                }
            }
        }
        assertTrue(pairs > 10_000, "enough revisions to judge: " + pairs);
        double share = (double) close / pairs;
        assertTrue(share > 0.96 && share < 0.995, "revisions within 1 % except about 2 % of pairs (unit slips): " + share);
        int compared = 0;
        int quarterOfYear = 0;
        for (Map.Entry<String, Double> q : quarters.entrySet()) {
            Double year = annual.get(q.getKey());
            if (year != null) {
                compared++;
                double ratio = q.getValue() / year;
                if (ratio > 0.2 && ratio < 0.3) {
                    quarterOfYear++;
                }
            }
        }
        assertTrue(compared > 100 && quarterOfYear > 0.95 * compared, "a first quarter holds about a quarter of its year: "
                + quarterOfYear + " of " + compared);
    }
}
