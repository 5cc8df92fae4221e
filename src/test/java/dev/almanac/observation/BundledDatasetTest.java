package dev.almanac.observation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bundled dataset is valid, traceable to its articles, and its regions form one hierarchy. */
class BundledDatasetTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path SEEDS = Fixtures.repo().resolve("../shared/seeds").normalize();

    @Test
    void shouldAcceptEveryObservationWhenBundledDataIsParsed() {
        Set<String> ids = new HashSet<>();
        for (String line : Fixtures.bundledObservations()) {
            IndicatorObservation o = ObservationJson.parse(line);
            assertTrue(ids.add(o.getId()), "duplicate id " + o.getId());
            assertTrue(o.getQuote() != null && !o.getQuote().isBlank(), "no quote for " + o.getId());
        }
        assertTrue(ids.size() > 200);
    }

    @Test
    void shouldFindEveryQuoteVerbatimWhenArticlesArePresent() throws Exception {
        assumeTrue(Files.isDirectory(SEEDS), "skipped: the source articles are not at " + SEEDS
                + " (they live in the project's shared folder and are not copied into the repository)");
        Map<String, String> articles = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String line : Fixtures.bundledObservations()) {
            JsonNode n = MAPPER.readTree(line);
            String source = n.get("source").asText();
            String article = articles.computeIfAbsent(source, s -> read(SEEDS.resolve(s)));
            if (!article.contains(n.get("quote").asText())) {
                missing.add(n.get("id").asText());
            }
        }
        assertEquals(List.of(), missing, "quotes not found verbatim in their article");
    }

    @Test
    void shouldKnowEveryRegionWhenObservationsNameIt() throws Exception {
        Map<String, String> parents = new HashMap<>();
        for (String line : Fixtures.lines(Fixtures.repo().resolve("data/regions.jsonl"))) {
            JsonNode n = MAPPER.readTree(line);
            assertTrue(Regions.isValid(n.get("code").asText()), line);
            parents.put(n.get("code").asText(), n.get("parent").isNull() ? null : n.get("parent").asText());
        }
        for (Map.Entry<String, String> e : parents.entrySet()) {
            assertTrue(e.getValue() == null || parents.containsKey(e.getValue()), "unknown parent of " + e.getKey());
        }
        for (String line : Fixtures.bundledObservations()) {
            String region = MAPPER.readTree(line).get("region").asText();
            assertTrue(parents.containsKey(region), "region " + region + " not in data/regions.jsonl");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
