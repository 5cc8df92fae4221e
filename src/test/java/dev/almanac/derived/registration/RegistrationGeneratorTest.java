package dev.almanac.derived.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.observation.ObservationJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RegistrationGeneratorTest {

    static List<RegistrationGenerator.Anchor> bundledAnchors() throws IOException {
        List<IndicatorObservation> all = Files.readAllLines(Path.of("data/observations.jsonl")).stream()
                .filter(l -> !l.isBlank()).map(ObservationJson::parse).toList();
        return RegistrationGenerator.anchors(all, "registered_llm_count", "CN-BJ");
    }

    private static boolean inBeijing(ModelRegistration r) {
        return r.getRegion().equals("CN-BJ") || r.getRegion().startsWith("CN-BJ-");
    }

    @Test
    void shouldReadBeijingTotalsWhenTheBundledObservationsAreGiven() throws IOException {
        assertEquals(List.of(new RegistrationGenerator.Anchor(LocalDate.parse("2025-06-23"), 132),
                new RegistrationGenerator.Anchor(LocalDate.parse("2025-12-08"), 183),
                new RegistrationGenerator.Anchor(LocalDate.parse("2025-12-31"), 209)), bundledAnchors());
    }

    @Test
    void shouldMatchReportedTotalsAtTheirDatesWhenGenerating() throws IOException {
        List<RegistrationGenerator.Anchor> anchors = bundledAnchors();
        List<ModelRegistration> stream = RegistrationGenerator.generate(RegistrationGenerator.beijing(627, 42, anchors));
        assertEquals(627, stream.size());
        assertEquals(627, stream.stream().map(ModelRegistration::getId).distinct().count());
        for (RegistrationGenerator.Anchor a : anchors) {
            long counted = stream.stream().filter(RegistrationGeneratorTest::inBeijing)
                    .filter(r -> !r.getRegistrationDate().isAfter(a.date())).count();
            assertEquals(a.total(), counted, "Beijing by " + a.date());
        }
        assertTrue(stream.stream().allMatch(r -> r.getSource().startsWith("synthetic") && r.getId().startsWith("SYN-")));
    }

    @Test
    void shouldGiveTheSameStreamWhenTheSeedIsTheSame() throws IOException {
        var anchors = bundledAnchors();
        assertEquals(RegistrationGenerator.generate(RegistrationGenerator.beijing(300, 7, anchors)),
                RegistrationGenerator.generate(RegistrationGenerator.beijing(300, 7, anchors)));
        assertTrue(!RegistrationGenerator.generate(RegistrationGenerator.beijing(300, 7, anchors))
                .equals(RegistrationGenerator.generate(RegistrationGenerator.beijing(300, 8, anchors))));
    }

    @Test
    void shouldOrderByPublicationAndStayWithinTheGraceWhenRegistrationDatesArriveOutOfOrder() throws IOException {
        List<ModelRegistration> stream = RegistrationGenerator.generate(RegistrationGenerator.beijing(2000, 3, bundledAnchors()));
        LocalDate newest = LocalDate.MIN;
        long maxLateness = 0;
        for (int i = 0; i < stream.size(); i++) {
            ModelRegistration r = stream.get(i);
            if (i > 0) {
                assertTrue(!r.getPublished().isBefore(stream.get(i - 1).getPublished()));
            }
            if (r.getRegistrationDate().isAfter(newest)) {
                newest = r.getRegistrationDate();
            }
            maxLateness = Math.max(maxLateness, newest.toEpochDay() - r.getRegistrationDate().toEpochDay());
        }
        assertTrue(maxLateness > 0, "some registrations arrive out of order");
        assertTrue(maxLateness <= RegistrationGenerator.MAX_PUBLICATION_LAG_DAYS, "lateness " + maxLateness);
    }

    @Test
    void shouldAddDuplicatesWithTheSameIdWhenARateIsGiven() throws IOException {
        var base = RegistrationGenerator.beijing(1000, 5, bundledAnchors());
        var spec = new RegistrationGenerator.Spec(1000, 5, base.anchors(), base.anchoredRegions(), base.otherRegions(), base.start(), 0.1);
        List<ModelRegistration> stream = RegistrationGenerator.generate(spec);
        Set<String> ids = stream.stream().map(ModelRegistration::getId).collect(Collectors.toSet());
        assertEquals(1000, ids.size());
        assertTrue(stream.size() > 1050 && stream.size() < 1150, "about 10 % duplicates: " + stream.size());
    }

}
