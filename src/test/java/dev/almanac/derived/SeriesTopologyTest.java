package dev.almanac.derived;

import static dev.almanac.derived.DerivedDriver.obs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.DerivedPeriodValue;
import dev.almanac.avro.GrowthRate;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.series.SeriesTopology;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeriesTopologyTest {

    private DerivedDriver d;
    private TestOutputTopic<ObservationKey, DerivedPeriodValue> periods;
    private TestOutputTopic<ObservationKey, GrowthRate> growth;

    @BeforeEach
    void setUp() {
        d = new DerivedDriver();
        periods = d.output(SeriesTopology.topic(d.topics, d.definitions.tables(TableDefinition.Periods.class).get(0)));
        growth = d.output(SeriesTopology.topic(d.topics, d.definitions.tables(TableDefinition.Growth.class).get(0)));
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private static ObservationKey key(String region, String period) {
        return new ObservationKey("gdp", region, period);
    }

    @Test
    void shouldDeriveQ3FromYearToDateMinusFirstHalfWhenBothAreReported() {
        d.latest(obs("h1", "gdp", "CN-BJ", "2025-H1", 2.5e12, "CNY", Qualifier.exact, "2025-07-20"));
        d.latest(obs("ytd", "gdp", "CN-BJ", "2025-Q1..Q3", 3.8e12, "CNY", Qualifier.exact, "2025-10-20"));

        DerivedPeriodValue q3 = DerivedDriver.table(periods).get(key("CN-BJ", "2025-Q3"));
        assertEquals(1.3e12, q3.getValue(), 1);
        assertEquals("2025-Q1..Q3 − 2025-H1", q3.getFormula());
        assertEquals(List.of("ytd", "h1"), q3.getInputIds());
        assertEquals(Qualifier.exact, q3.getQualifier());
        assertTrue(q3.getDerived());
    }

    @Test
    void shouldDeriveSecondHalfAndFourthQuarterWhenTheYearIsReported() {
        d.latest(obs("h1", "gdp", "CN-BJ", "2025-H1", 2.5e12, "CNY", Qualifier.exact, "2025-07-20"));
        d.latest(obs("ytd", "gdp", "CN-BJ", "2025-Q1..Q3", 3.8e12, "CNY", Qualifier.exact, "2025-10-20"));
        d.latest(obs("y", "gdp", "CN-BJ", "2025", 5.2073e12, "CNY", Qualifier.exact, "2026-01-21"));

        Map<ObservationKey, DerivedPeriodValue> table = DerivedDriver.table(periods);
        assertEquals(5.2073e12 - 2.5e12, table.get(key("CN-BJ", "2025-H2")).getValue(), 1);
        assertEquals(5.2073e12 - 3.8e12, table.get(key("CN-BJ", "2025-Q4")).getValue(), 1);
        assertEquals(3, table.size(), "Q3, Q4 and H2: " + table.keySet());
    }

    @Test
    void shouldDeriveMonthsFromYearToDateDifferencesWhenConsecutiveMonthsAreReported() {
        d.latest(obs("m10", "gdp", "CN-BJ", "2025-01..10", 4.2e12, "CNY", Qualifier.exact, "2025-11-15"));
        d.latest(obs("m11", "gdp", "CN-BJ", "2025-01..11", 4.65e12, "CNY", Qualifier.exact, "2025-12-15"));
        assertEquals(0.45e12, DerivedDriver.table(periods).get(key("CN-BJ", "2025-11")).getValue(), 1);
    }

    @Test
    void shouldNotDeriveAPeriodWhenItWasReportedItself() {
        d.latest(obs("h1", "gdp", "CN-BJ", "2025-H1", 2.5e12, "CNY", Qualifier.exact, "2025-07-20"));
        d.latest(obs("ytd", "gdp", "CN-BJ", "2025-Q1..Q3", 3.8e12, "CNY", Qualifier.exact, "2025-10-20"));
        d.latest(obs("q3", "gdp", "CN-BJ", "2025-Q3", 1.31e12, "CNY", Qualifier.exact, "2025-10-20"));
        assertNull(DerivedDriver.table(periods).get(key("CN-BJ", "2025-Q3")));
    }

    @Test
    void shouldUpdateDerivedPeriodWhenAnInputIsRevised() {
        d.latest(obs("h1", "gdp", "CN-BJ", "2025-H1", 2.5e12, "CNY", Qualifier.exact, "2025-07-20"));
        d.latest(obs("ytd", "gdp", "CN-BJ", "2025-Q1..Q3", 3.8e12, "CNY", Qualifier.exact, "2025-10-20"));
        d.latest(obs("h1r", "gdp", "CN-BJ", "2025-H1", 2.4e12, "CNY", Qualifier.approx, "2025-11-01"));

        DerivedPeriodValue q3 = DerivedDriver.table(periods).get(key("CN-BJ", "2025-Q3"));
        assertEquals(1.4e12, q3.getValue(), 1);
        assertEquals(Qualifier.approx, q3.getQualifier());
        assertEquals(List.of("ytd", "h1r"), q3.getInputIds());
    }

    @Test
    void shouldMarkDifferenceOfBoundsAsEstimateWhenTheyPointOppositeWays() {
        d.latest(obs("h1", "gdp", "CN-BJ", "2025-H1", 2.5e12, "CNY", Qualifier.more_than, "2025-07-20"));
        d.latest(obs("ytd", "gdp", "CN-BJ", "2025-Q1..Q3", 3.8e12, "CNY", Qualifier.more_than, "2025-10-20"));
        assertEquals(Qualifier.estimate, DerivedDriver.table(periods).get(key("CN-BJ", "2025-Q3")).getQualifier(),
                "(>a) − (>b) can be anything: no bound survives");
    }

    @Test
    void shouldComputeYearOverYearGrowthWhenTheSamePeriodOneYearEarlierIsKnown() {
        d.latest(obs("y24", "gdp", "CN-BJ", "2024", 4.98e12, "CNY", Qualifier.exact, "2025-01-20"));
        d.latest(obs("y25", "gdp", "CN-BJ", "2025", 5.2073e12, "CNY", Qualifier.exact, "2026-01-21"));
        d.latest(obs("ytd24", "gdp", "CN-BJ-HD", "2024-Q1..Q3", 0.9e12, "CNY", Qualifier.exact, "2024-10-20"));
        d.latest(obs("ytd25", "gdp", "CN-BJ-HD", "2025-Q1..Q3", 1.0e12, "CNY", Qualifier.estimate, "2026-01-26"));

        Map<ObservationKey, GrowthRate> table = DerivedDriver.table(growth);
        GrowthRate annual = table.get(key("CN-BJ", "2025"));
        assertEquals(100 * (5.2073 / 4.98 - 1), annual.getValue(), 1e-9);
        assertEquals("2024", annual.getPreviousPeriod());
        assertEquals("gdp_growth_yoy", annual.getIndicator());
        assertEquals(List.of("y25", "y24"), annual.getInputIds());
        assertEquals(Qualifier.exact, annual.getQualifier());

        GrowthRate ytd = table.get(key("CN-BJ-HD", "2025-Q1..Q3"));
        assertEquals(100 * (1.0 / 0.9 - 1), ytd.getValue(), 1e-9);
        assertEquals(Qualifier.estimate, ytd.getQualifier(), "growth of an estimate is an estimate");
        assertEquals(2, table.size());
    }

    @Test
    void shouldComputeGrowthOfDerivedQuartersWhenBothYearsCanBeDecumulated() {
        for (int y : new int[] {2024, 2025}) {
            double scale = y == 2024 ? 1.0 : 1.1;
            d.latest(obs("h1-" + y, "gdp", "CN-BJ", y + "-H1", 2.0e12 * scale, "CNY", Qualifier.exact, y + "-07-20"));
            d.latest(obs("ytd-" + y, "gdp", "CN-BJ", y + "-Q1..Q3", 3.2e12 * scale, "CNY", Qualifier.exact, y + "-10-20"));
        }
        GrowthRate q3 = DerivedDriver.table(growth).get(key("CN-BJ", "2025-Q3"));
        assertEquals(10.0, q3.getValue(), 1e-9);
        assertTrue(q3.getFromDerivedPeriods());
        assertEquals(List.of("ytd-2025", "h1-2025", "ytd-2024", "h1-2024"), q3.getInputIds());
    }

    @Test
    void shouldRetractGrowthWhenThePreviousYearIsRevisedToAnotherUnit() {
        d.latest(obs("y24", "gdp", "CN-BJ", "2024", 4.98e12, "CNY", Qualifier.exact, "2025-01-20"));
        d.latest(obs("y25", "gdp", "CN-BJ", "2025", 5.2073e12, "CNY", Qualifier.exact, "2026-01-21"));
        assertFalse(DerivedDriver.table(growth).isEmpty());
        d.latest(obs("y24usd", "gdp", "CN-BJ", "2024", 0.7e12, "USD", Qualifier.exact, "2025-03-01"));
        var records = growth.readRecordsToList();
        assertTrue(records.isEmpty() || records.get(records.size() - 1).value() == null);
        assertTrue(d.driver.getKeyValueStore(SeriesTopology.store(d.definitions.tables(TableDefinition.Growth.class).get(0)))
                .get(key("CN-BJ", "2025")) == null);
    }

    @Test
    void shouldDeriveTheSameRowsWhenPeriodsArriveOutOfOrder() {
        java.util.List<dev.almanac.avro.IndicatorObservation> all = new java.util.ArrayList<>();
        for (int year = 2018; year <= 2025; year++) {
            for (int m = 2; m <= 12; m++) {
                all.add(obs("y" + year + "m" + m, "gdp", "CN-BJ", String.format("%d-01..%02d", year, m), 1e11 * m + year,
                        "CNY", Qualifier.exact, String.format("%d-%02d-15", m == 12 ? year + 1 : year, m == 12 ? 1 : m + 1)));
            }
            all.add(obs("y" + year, "gdp", "CN-BJ", Integer.toString(year), 1.3e12 + year, "CNY", Qualifier.exact, (year + 1) + "-02-01"));
        }
        all.forEach(d::latest);
        Map<ObservationKey, DerivedPeriodValue> inOrder = DerivedDriver.table(periods);
        assertTrue(inOrder.size() > 50, "months and quarters derived: " + inOrder.size());

        try (DerivedDriver shuffled = new DerivedDriver()) {
            var out = shuffled.output(SeriesTopology.topic(shuffled.topics, shuffled.definitions.tables(TableDefinition.Periods.class).get(0)));
            java.util.List<dev.almanac.avro.IndicatorObservation> order = new java.util.ArrayList<>(all);
            java.util.Collections.shuffle(order, new java.util.Random(5));
            order.forEach(shuffled::latest);
            assertEquals(inOrder, DerivedDriver.table(out));
        }
    }

    @Test
    void shouldRetractDerivedPeriodAndGrowthWhenAnInputIsWithdrawn() {
        for (int y : new int[] {2024, 2025}) {
            d.latest(obs("h1-" + y, "gdp", "CN-BJ", y + "-H1", 2.0e12 * (y - 2023), "CNY", Qualifier.exact, y + "-07-20"));
            d.latest(obs("ytd-" + y, "gdp", "CN-BJ", y + "-Q1..Q3", 3.2e12 * (y - 2023), "CNY", Qualifier.exact, y + "-10-20"));
        }
        assertTrue(DerivedDriver.table(periods).containsKey(key("CN-BJ", "2025-Q3")));
        assertTrue(DerivedDriver.table(growth).containsKey(key("CN-BJ", "2025-Q3")));

        d.latest.pipeInput(key("CN-BJ", "2024-H1"), null);

        var periodChanges = periods.readRecordsToList();
        assertEquals(1, periodChanges.size(), "only 2024-Q3 goes: " + periodChanges);
        assertEquals(key("CN-BJ", "2024-Q3"), periodChanges.get(0).key());
        assertNull(periodChanges.get(0).value());
        var growthChanges = growth.readRecordsToList();
        assertTrue(growthChanges.stream().anyMatch(r -> r.key().equals(key("CN-BJ", "2025-Q3")) && r.value() == null),
                "growth of the derived 2025-Q3 loses its base: " + growthChanges);
        assertTrue(growthChanges.stream().noneMatch(r -> r.key().equals(key("CN-BJ", "2025-Q1..Q3"))),
                "growth of the reported year-to-date is untouched: " + growthChanges);
    }

    @Test
    void shouldReplaceGrowthWhenTheBaseYearIsRevised() {
        d.latest(obs("y24", "gdp", "CN-BJ", "2024", 5.0e12, "CNY", Qualifier.exact, "2025-01-20"));
        d.latest(obs("y25", "gdp", "CN-BJ", "2025", 5.5e12, "CNY", Qualifier.exact, "2026-01-21"));
        growth.readRecordsToList();
        d.latest(obs("y24r", "gdp", "CN-BJ", "2024", 4.4e12, "CNY", Qualifier.exact, "2025-06-01"));

        var changes = growth.readRecordsToList();
        assertEquals(1, changes.size(), "one row replaced: " + changes);
        assertEquals(25.0, changes.get(0).value().getValue(), 1e-9);
        assertEquals(List.of("y25", "y24r"), changes.get(0).value().getInputIds());
    }

    @Test
    void shouldKeepSeriesApartWhenTheirChangesInterleaveAndOneRegionCodeStartsWithAnother() {
        String[] regions = {"CN-BJ", "CN-BJ-HD", "CN-SH"};
        for (int i = 0; i < regions.length; i++) {
            d.latest(obs("h1-" + i, "gdp", regions[i], "2025-H1", 1.0e12 * (i + 1), "CNY", Qualifier.exact, "2025-07-20"));
        }
        for (int i = 0; i < regions.length; i++) {
            d.latest(obs("ytd-" + i, "gdp", regions[i], "2025-Q1..Q3", 1.5e12 * (i + 1), "CNY", Qualifier.exact, "2025-10-20"));
        }
        Map<ObservationKey, DerivedPeriodValue> table = DerivedDriver.table(periods);
        assertEquals(3, table.size(), table.keySet().toString());
        for (int i = 0; i < regions.length; i++) {
            DerivedPeriodValue q3 = table.get(key(regions[i], "2025-Q3"));
            assertEquals(0.5e12 * (i + 1), q3.getValue(), 1);
            assertEquals(List.of("ytd-" + i, "h1-" + i), q3.getInputIds());
        }
    }
}
