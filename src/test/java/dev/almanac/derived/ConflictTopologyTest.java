package dev.almanac.derived;

import static dev.almanac.derived.DerivedDriver.obs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.derived.conflict.ConflictDetector;
import dev.almanac.derived.conflict.ConflictTopology;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.SeriesPoints;
import java.util.Map;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConflictTopologyTest {

    private DerivedDriver d;
    private TableDefinition.Conflicts def;
    private TestOutputTopic<ConflictKey, Conflict> conflicts;

    @BeforeEach
    void setUp() {
        d = new DerivedDriver();
        def = d.definitions.tables(TableDefinition.Conflicts.class).get(0);
        conflicts = d.output(ConflictTopology.topic(d.topics, def));
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private Map<ConflictKey, Conflict> kinds(String kind) {
        Map<ConflictKey, Conflict> all = DerivedDriver.table(conflicts);
        all.keySet().removeIf(k -> !k.getKind().equals(kind));
        return all;
    }

    @Test
    void shouldReportConflictWhenExactAndLowerBoundCannotBothHold() {
        d.valid(obs("a", "ai_enterprise_national_share", "CN-BJ", "asof:2025-06-23", 40, "percent", Qualifier.exact, "2025-06-23"));
        d.valid(obs("b", "ai_enterprise_national_share", "CN-BJ", "asof:2025-06-23", 50, "percent", Qualifier.more_than, "2025-07-01"));

        Map<ConflictKey, Conflict> found = kinds(ConflictDetector.CONFLICT);
        assertEquals(1, found.size());
        Conflict c = found.values().iterator().next();
        assertEquals("a", c.getFirstId());
        assertEquals("b", c.getSecondId());
        assertEquals(c, d.driver.getKeyValueStore(ConflictTopology.store(def)).get(found.keySet().iterator().next()));
    }

    @Test
    void shouldNotReportConflictWhenALowerBoundIsBelowAnExactValue() {
        d.valid(obs("a", "registered_llm_count", "CN", "asof:2025-12-31", 2400, "count", Qualifier.more_than, "2026-01-05"));
        d.valid(obs("b", "registered_llm_count", "CN", "asof:2025-12-31", 2500, "count", Qualifier.exact, "2026-01-10"));
        assertTrue(DerivedDriver.table(conflicts).isEmpty());
    }

    @Test
    void shouldNotReportConflictWhenValuesDifferOnlyByRounding() {
        d.valid(obs("a001-001", "gdp", "CN-BJ", "2025", 52073.4e8, "CNY", Qualifier.exact, "2026-01-21"));
        d.valid(obs("a003-003", "gdp", "CN-BJ", "2025", 5.2073e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertTrue(DerivedDriver.table(conflicts).isEmpty());
    }

    @Test
    void shouldReportConflictWhenTwoExactValuesDisagreeWithinTheWindow() {
        d.valid(obs("a", "gdp", "CN-BJ", "2025", 5.2e12, "CNY", Qualifier.exact, "2026-01-21"));
        d.valid(obs("b", "gdp", "CN-BJ", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertEquals(1, kinds(ConflictDetector.CONFLICT).size());
    }

    @Test
    void shouldNotReportConflictWhenTheVintagesAreFurtherApartThanTheWindow() {
        d.valid(obs("a000-006", "gdp", "CN-BJ", "2025", 5.0e12, "CNY", Qualifier.exact, "2025-12-08"));
        d.valid(obs("a001-001", "gdp", "CN-BJ", "2025", 5.20734e12, "CNY", Qualifier.exact, "2026-01-21"));
        assertTrue(kinds(ConflictDetector.CONFLICT).isEmpty(), "44 days apart: a revision, not a conflict");
    }

    @Test
    void shouldAcceptApproximateValuesWithinTheirTolerance() {
        d.valid(obs("a", "unicorn_count", "CN-BJ", "asof:2025-12-31", 115, "count", Qualifier.approx, "2026-01-05"));
        d.valid(obs("b", "unicorn_count", "CN-BJ", "asof:2025-12-31", 120, "count", Qualifier.exact, "2026-01-06"));
        assertTrue(DerivedDriver.table(conflicts).isEmpty());
    }

    @Test
    void shouldReportPeriodJumpWhenConsecutivePeriodsChangeByTheFactor() {
        d.valid(obs("a004-019", "national_key_labs", "CN-BJ", "asof:2025-04-03", 77, "count", Qualifier.exact, "2025-04-03"));
        d.valid(obs("a003-035", "national_key_labs", "CN-BJ", "asof:2025-12-31", 145, "count", Qualifier.exact, "2026-01-26"));

        Map<ConflictKey, Conflict> jumps = kinds(ConflictDetector.PERIOD_JUMP);
        assertEquals(1, jumps.size());
        Conflict j = jumps.values().iterator().next();
        assertEquals("a004-019", j.getFirstId());
        assertEquals("a003-035", j.getSecondId());
        assertEquals(145.0 / 77, j.getRatio(), 1e-9);
    }

    @Test
    void shouldRetractPeriodJumpWhenAPeriodInBetweenArrives() {
        d.valid(obs("a", "national_key_labs", "CN-BJ", "asof:2025-04-03", 77, "count", Qualifier.exact, "2025-04-03"));
        d.valid(obs("c", "national_key_labs", "CN-BJ", "asof:2025-12-31", 145, "count", Qualifier.exact, "2026-01-26"));
        d.valid(obs("b", "national_key_labs", "CN-BJ", "asof:2025-08-31", 110, "count", Qualifier.exact, "2025-09-05"));
        assertTrue(kinds(ConflictDetector.PERIOD_JUMP).isEmpty(), "77 → 110 → 145: no single step reaches ×1.5");
    }

    @Test
    void shouldReportRevisionJumpWhenAVintageRevisesByTheFactor() {
        d.valid(obs("a", "ai_core_industry_size", "CN-BJ", "2024", 3.0e11, "CNY", Qualifier.exact, "2025-01-10"));
        d.valid(obs("b", "ai_core_industry_size", "CN-BJ", "2024", 4.6e11, "CNY", Qualifier.exact, "2025-06-23"));
        assertEquals(1, kinds(ConflictDetector.REVISION_JUMP).size());
        assertTrue(kinds(ConflictDetector.CONFLICT).isEmpty());
    }

    @Test
    void shouldSkipJumpsForRatesWhenTheirUnitIsExcluded() {
        d.valid(obs("a", "gdp_growth_real", "CN-BJ", "2024", 2.0, "percent", Qualifier.exact, "2025-01-10"));
        d.valid(obs("b", "gdp_growth_real", "CN-BJ", "2025", 5.4, "percent", Qualifier.exact, "2026-01-21"));
        assertTrue(DerivedDriver.table(conflicts).isEmpty());
    }

    @Test
    void shouldFindTheSameConflictsWhenObservationsArriveInAnotherOrder() {
        try (DerivedDriver other = new DerivedDriver()) {
            var out = other.output(ConflictTopology.topic(other.topics, def));
            var a = obs("a", "x_count", "CN", "asof:2025-06-30", 100, "count", Qualifier.exact, "2025-07-01");
            var b = obs("b", "x_count", "CN", "asof:2025-06-30", 80, "count", Qualifier.exact, "2025-07-10");
            var c = obs("c", "x_count", "CN", "asof:2025-12-31", 200, "count", Qualifier.exact, "2026-01-10");
            d.valid(a);
            d.valid(b);
            d.valid(c);
            other.valid(c);
            other.valid(b);
            other.valid(a);
            assertEquals(DerivedDriver.table(conflicts), DerivedDriver.table(out));
        }
    }

    @Test
    void shouldMatchTheWholeSeriesFindingsForAnyArrivalOrderOfALongSeries() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        java.util.List<dev.almanac.avro.IndicatorObservation> all = new java.util.ArrayList<>();
        int n = 0;
        for (int month = 0; month < 120; month++) {
            String period = String.format("%04d-%02d", 2010 + month / 12, 1 + month % 12);
            int vintages = 1 + random.nextInt(4);
            for (int v = 0; v < vintages; v++) {
                // values that sometimes jump (×1.5) and sometimes disagree within the window
                double value = 100 * (random.nextInt(5) == 0 ? 2 : 1) + random.nextInt(3);
                String published = java.time.LocalDate.of(2010 + month / 12, 1 + month % 12, 1).plusMonths(1)
                        .plusDays(random.nextInt(3) * 20L + v).toString();
                String unit = random.nextInt(40) == 0 ? "percent" : "count";
                all.add(obs("o" + n++, "long_count", "CN-BJ", period, value, unit,
                        random.nextInt(6) == 0 ? Qualifier.approx : Qualifier.exact, published));
            }
        }
        java.util.List<dev.almanac.avro.SeriesPoint> points = all.stream().map(SeriesPoints::of).toList();
        Map<ConflictKey, Conflict> expected = ConflictDetector.findings("long_count", "CN-BJ", points, def);
        assertTrue(expected.size() > 20, "the series has findings of every kind to compare: " + expected.size());

        for (int shuffle = 0; shuffle < 3; shuffle++) {
            java.util.List<dev.almanac.avro.IndicatorObservation> order = new java.util.ArrayList<>(all);
            java.util.Collections.shuffle(order, new java.util.Random(shuffle));
            if (shuffle == 0) {
                order = all; // in publication order per period, periods oldest first
            }
            try (DerivedDriver other = new DerivedDriver()) {
                var out = other.output(ConflictTopology.topic(other.topics, def));
                order.forEach(other::valid);
                assertEquals(new java.util.HashMap<>(expected), new java.util.HashMap<>(DerivedDriver.table(out)), "arrival order " + shuffle);
                java.util.Map<ConflictKey, Conflict> stored = new java.util.HashMap<>();
                other.driver.<ConflictKey, Conflict>getKeyValueStore(ConflictTopology.store(def)).all()
                        .forEachRemaining(kv -> stored.put(kv.key, kv.value));
                assertEquals(new java.util.HashMap<>(expected), stored, "queryable store, arrival order " + shuffle);
            }
        }
    }

    @Test
    void shouldRepointThePeriodJumpWhenTheLatestVintageOfThePreviousPeriodChanges() {
        Map<ConflictKey, Conflict> table = jumpFrom2020To2021();
        // a later vintage of 2020 revises it close to 2021: the jump into 2021 no longer holds
        d.valid(obs("a2", "x_count", "CN", "2020", 190, "count", Qualifier.exact, "2022-06-10"));
        for (var r : conflicts.readRecordsToList()) {
            if (r.value() == null) {
                table.remove(r.key());
            } else {
                table.put(r.key(), r.value());
            }
        }
        assertEquals(1, table.size());
        assertEquals(ConflictDetector.REVISION_JUMP, table.keySet().iterator().next().getKind());
    }

    @Test
    void shouldReplaceTheFindingsOfAnObservationResentWithAnotherValueAndIgnoreOneResentUnchanged() {
        jumpFrom2020To2021();
        // the same id again, corrected to 110: the jump from 100 no longer holds, and nothing takes its place
        d.valid(obs("b", "x_count", "CN", "2021", 110, "count", Qualifier.exact, "2022-01-10"));
        var corrected = conflicts.readRecordsToList();
        assertEquals(1, corrected.size(), corrected.toString());
        assertEquals(null, corrected.get(0).value(), "the jump is retracted");
        // and the corrected version once more, unchanged: no output at all
        d.valid(obs("b", "x_count", "CN", "2021", 110, "count", Qualifier.exact, "2022-01-10"));
        assertTrue(conflicts.isEmpty());
    }

    /** 2020 = 100 (id a), then 2021 = 200 (id b): the table holds the one period jump between them. */
    private Map<ConflictKey, Conflict> jumpFrom2020To2021() {
        d.valid(obs("a", "x_count", "CN", "2020", 100, "count", Qualifier.exact, "2021-01-10"));
        d.valid(obs("b", "x_count", "CN", "2021", 200, "count", Qualifier.exact, "2022-01-10"));
        Map<ConflictKey, Conflict> table = DerivedDriver.table(conflicts);
        assertEquals(1, table.size());
        assertEquals(ConflictDetector.PERIOD_JUMP, table.keySet().iterator().next().getKind());
        return table;
    }
}
