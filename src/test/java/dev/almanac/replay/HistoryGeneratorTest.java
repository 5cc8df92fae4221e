package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.Regions;
import dev.almanac.observation.Rejection;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String generate(HistoryGenerator.Spec spec) throws Exception {
        StringWriter w = new StringWriter();
        new HistoryGenerator(spec).write(w);
        return w.toString();
    }

    @Test
    void shouldWriteTheSameBytesWhenTheSeedIsTheSame() throws Exception {
        HistoryGenerator.Spec spec = new HistoryGenerator.Spec(60, 4, 7, 0.01);
        String a = generate(spec);
        assertEquals(a, generate(spec));
        assertNotEquals(a, generate(new HistoryGenerator.Spec(60, 4, 8, 0.01)));
    }

    @Test
    void shouldWriteValidRevisedObservationsOverAHierarchyWhenLinesAreNotBad() throws Exception {
        HistoryGenerator.Spec spec = new HistoryGenerator.Spec(250, 5, 42, 0.01);
        StringWriter w = new StringWriter();
        HistoryGenerator.Stats stats = new HistoryGenerator(spec).write(w);
        List<String> lines = w.toString().lines().toList();
        assertEquals(stats.lines(), lines.size());
        assertEquals(250L * 16 * 5, stats.observations());
        assertEquals(stats.observations() + stats.duplicates() + stats.bad(), stats.lines());
        assertTrue(stats.bad() > 0 && stats.bad() < stats.observations() / 50, "about 1% bad: " + stats.bad());

        Map<String, Integer> vintagesPerKey = new HashMap<>();
        Set<Integer> depths = new HashSet<>();
        Set<String> regions = new HashSet<>();
        Set<String> qualifiers = new HashSet<>();
        long bad = 0;
        long maxPublished = Long.MIN_VALUE;
        long late = 0;
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            if (line.contains("\"id\": \"bad-")) {
                bad++;
                continue;
            }
            IndicatorObservation o;
            try {
                o = ObservationJson.parse(line);
            } catch (Rejection.Exception e) {
                throw new AssertionError("a line not marked bad is rejected: " + e.getMessage() + ": " + line);
            }
            if (!ids.add(o.getId())) {
                continue;
            }
            assertTrue(Regions.isValid(o.getRegion()));
            assertTrue(o.getSource().contains("synthetic"));
            regions.add(o.getRegion());
            depths.add(o.getRegion().split("-").length);
            qualifiers.add(o.getQualifier().name());
            vintagesPerKey.merge(o.getIndicator() + "|" + o.getRegion() + "|" + o.getPeriod(), 1, Integer::sum);
            long published = o.getPublished().toEpochMilli();
            if (published < maxPublished) {
                late++;
            }
            maxPublished = Math.max(maxPublished, published);
        }
        assertEquals(stats.bad(), bad);
        assertEquals(250 * 16, vintagesPerKey.size());
        assertTrue(vintagesPerKey.values().stream().allMatch(v -> v == 5), "every key has every vintage");
        assertEquals(Set.of(1, 2, 3), depths, "country, city and district regions");
        assertTrue(regions.stream().allMatch(r -> r.split("-").length == 1 || regions.contains(Regions.impliedParent(r).orElseThrow())),
                "every region's parent is in the history too");
        assertEquals(Set.of("estimate", "exact"), qualifiers);
        assertTrue(late > stats.observations() / 50, "observations published out of order: " + late);
    }

    @Test
    void shouldMakeBadLinesOfSeveralKindsWhenBadFractionIsHigh() throws Exception {
        String out = generate(new HistoryGenerator.Spec(20, 3, 1, 0.5));
        Set<String> kinds = new HashSet<>();
        for (String line : out.lines().filter(l -> l.contains("\"id\": \"bad-")).toList()) {
            ReplayLine r = ReplayLine.classify(new SourceLine(Path.of("h"), 1, line));
            if (r.bad()) {
                kinds.add(r.problem().startsWith("not valid JSON") ? "json" : r.problem().startsWith("no ") ? "missing" : "published");
                continue;
            }
            try {
                ObservationJson.parse(line);
                throw new AssertionError("a bad line is valid: " + line);
            } catch (Rejection.Exception e) {
                kinds.add(e.rejection().reason().name());
            }
        }
        assertEquals(Set.of("json", "missing", "published", "BAD_REGION", "BAD_VALUE", "UNKNOWN_UNIT"), kinds);
    }

    @Test
    void shouldSumDistrictsIntoCitiesWhenValuesAreAdditive() throws Exception {
        // All 8 indicators of XA, XA-C01 and its 12 districts: the city's final 2016 GDP is at least the sum of its districts'.
        String out = generate(new HistoryGenerator.Spec(8 * 14, 1, 3, 0));
        Map<String, Double> gdp2016 = new HashMap<>();
        for (String line : out.lines().toList()) {
            JsonNode n = JSON.readTree(line);
            if (n.get("indicator").asText().equals("gdp") && n.get("period").asText().equals("2016")) {
                gdp2016.put(n.get("region").asText(), ObservationJson.parse(line).getValue());
            }
        }
        double districts = gdp2016.entrySet().stream().filter(e -> e.getKey().startsWith("XA-C01-D")).mapToDouble(Map.Entry::getValue).sum();
        assertEquals(12, gdp2016.keySet().stream().filter(k -> k.startsWith("XA-C01-D")).count());
        double city = gdp2016.get("XA-C01");
        assertTrue(city >= districts * 0.999 && city <= districts * 1.07, city + " vs " + districts);
    }

    @Test
    void shouldRejectSpecWhenOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new HistoryGenerator.Spec(0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new HistoryGenerator.Spec(1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new HistoryGenerator.Spec(1, 256, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new HistoryGenerator.Spec(1, 1, 1, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new HistoryGenerator.Spec(HistoryGenerator.Spec.maxSeries() + 1, 1, 1, 0));
    }
}
