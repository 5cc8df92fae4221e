package dev.almanac.derived.registration;

import static dev.almanac.derived.DerivedDriver.obs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.RegionMonth;
import dev.almanac.avro.RegistrationCount;
import dev.almanac.avro.RegistrationMonth;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.RegistrationRolling;
import dev.almanac.derived.DerivedDriver;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.foundation.ValidationCounts;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistrationTopologyTest {

    private DerivedDriver d;
    private TableDefinition.Registrations def;
    private RegistrationTopology.Topics out;
    private TestOutputTopic<String, RegistrationCount> cumulative;
    private TestOutputTopic<RegionMonth, RegistrationMonth> monthly;
    private TestOutputTopic<String, RegistrationRolling> rolling;
    private TestOutputTopic<ObservationKey, RegistrationReconciliation> reconciliation;
    private TestOutputTopic<byte[], byte[]> rejected;

    @BeforeEach
    void setUp() {
        d = new DerivedDriver();
        def = d.definitions.registrations().orElseThrow();
        out = RegistrationTopology.topics(d.topics, def);
        cumulative = d.output(out.cumulative());
        monthly = d.output(out.monthly());
        rolling = d.output(out.rolling());
        reconciliation = d.output(out.reconciliation());
        rejected = d.output(d.topics.rejectedRegistrations());
        d.region("WORLD", null, "group");
        d.region("CN", "WORLD", "country");
        d.region("CN-BJ", "CN", "city");
        d.region("CN-BJ-HD", "CN-BJ", "district");
        d.region("CN-BJ-YZ", "CN-BJ", "zone");
        d.region("CN-SH", "CN", "city");
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private void register(String id, String region, String date, String published) {
        d.registrationJson("{\"id\":\"" + id + "\",\"model_name\":\"M" + id + "\",\"organization\":\"Org\",\"region\":\""
                + region + "\",\"registration_date\":\"" + date + "\",\"published\":\"" + published + "\"}");
    }

    private org.apache.kafka.streams.state.KeyValueStore<RegionMonth, RegistrationMonth> monthlyStore() {
        return d.driver.getKeyValueStore(RegistrationTopology.monthlyStore(def));
    }

    private final Map<String, RegistrationCount> cumulativeSoFar = new java.util.HashMap<>();

    /** The rolled-up count of a region as the output topic says (all records read so far), checked against the store. */
    private long count(String region) {
        for (TestRecord<String, RegistrationCount> r : cumulative.readRecordsToList()) {
            cumulativeSoFar.put(r.key(), r.value());
        }
        RegistrationCount c = cumulativeSoFar.get(region);
        assertEquals(c, d.driver.getKeyValueStore(RegistrationTopology.cumulativeStore(def)).get(region));
        return c == null ? 0 : c.getCount();
    }

    @Test
    void shouldRollCountsUpTheHierarchyWhenRegistrationsArriveInDistricts() {
        register("r1", "CN-BJ-HD", "2025-03-01", "2025-03-10");
        register("r2", "CN-BJ-HD", "2025-03-02", "2025-03-10");
        register("r3", "CN-BJ-YZ", "2025-04-01", "2025-04-10");
        register("r4", "CN-BJ", "2025-04-02", "2025-04-10");
        register("r5", "CN-SH", "2025-04-03", "2025-04-10");

        Map<String, RegistrationCount> table = DerivedDriver.table(cumulative);
        assertEquals(2, table.get("CN-BJ-HD").getCount());
        assertEquals(1, table.get("CN-BJ-YZ").getCount());
        assertEquals(4, table.get("CN-BJ").getCount());
        assertEquals(1, table.get("CN-BJ").getOwnCount());
        assertEquals(5, table.get("CN").getCount());
        assertEquals(5, table.get("WORLD").getCount());
        assertEquals(table.get("CN"), d.driver.getKeyValueStore(RegistrationTopology.cumulativeStore(def)).get("CN"));
    }

    @Test
    void shouldCountADuplicateOnceWhenTheSameIdArrivesTwice() {
        register("r1", "CN-BJ-HD", "2025-03-01", "2025-03-10");
        register("r1", "CN-BJ-HD", "2025-03-01", "2025-03-10");
        register("r1", "CN-BJ-HD", "2025-03-01", "2025-03-20");
        assertEquals(1, count("CN-BJ"));
        Map<RegionMonth, RegistrationMonth> months = DerivedDriver.table(monthly);
        assertEquals(1, months.get(new RegionMonth("CN-BJ-HD", "2025-03")).getCount());
    }

    @Test
    void shouldMoveARegistrationWhenALaterVersionCorrectsItsRegion() {
        register("r1", "CN-BJ-HD", "2025-03-01", "2025-03-10");
        register("r1", "CN-SH", "2025-03-01", "2025-03-20");
        assertEquals(0, count("CN-BJ"));
        assertEquals(1, count("CN-SH"));
        assertEquals(1, count("CN"));
    }

    @Test
    void shouldCountLateRegistrationInItsMonthWhenItArrivesMonthsAfterIt() {
        register("r1", "CN-BJ-HD", "2025-03-10", "2025-03-12");
        register("r2", "CN-BJ-HD", "2025-09-20", "2025-09-22");
        // Registered in March, published (and arriving) half a year later, after September's registrations.
        register("r3", "CN-BJ-HD", "2025-03-25", "2025-09-23");

        Map<RegionMonth, RegistrationMonth> months = DerivedDriver.table(monthly);
        assertEquals(2, months.get(new RegionMonth("CN-BJ-HD", "2025-03")).getCount());
        assertEquals(1, months.get(new RegionMonth("CN-BJ-HD", "2025-09")).getCount());
        assertEquals(3, count("CN-BJ-HD"));
        RegistrationMonth march = monthlyStore().get(new RegionMonth("CN-BJ-HD", "2025-03"));
        assertEquals(months.get(new RegionMonth("CN-BJ-HD", "2025-03")), march, "the store holds what the topic says");
        assertEquals(java.time.Instant.parse("2025-03-01T00:00:00Z"), march.getWindowStart());
        assertEquals(java.time.Instant.parse("2025-04-01T00:00:00Z"), march.getWindowEnd());
    }

    @Test
    void shouldMoveCountWhenALaterVersionRevisesTheRegistrationDate() {
        register("r1", "CN-BJ-HD", "2025-03-31", "2025-04-02");
        register("r2", "CN-BJ-HD", "2025-04-05", "2025-04-06");
        register("r1", "CN-BJ-HD", "2025-04-01", "2025-04-10");

        Map<RegionMonth, RegistrationMonth> months = DerivedDriver.table(monthly);
        assertNull(months.get(new RegionMonth("CN-BJ-HD", "2025-03")), "the emptied month is deleted: " + months);
        assertNull(monthlyStore().get(new RegionMonth("CN-BJ-HD", "2025-03")));
        assertEquals(2, months.get(new RegionMonth("CN-BJ-HD", "2025-04")).getCount());

        // An older version arriving after the revision changes nothing: the later published one wins.
        register("r1", "CN-BJ-HD", "2025-03-31", "2025-04-02");
        months.putAll(DerivedDriver.table(monthly));
        assertNull(months.get(new RegionMonth("CN-BJ-HD", "2025-03")));
        assertEquals(2, months.get(new RegionMonth("CN-BJ-HD", "2025-04")).getCount());
    }

    @Test
    void shouldMoveCountWhenALaterVersionCorrectsTheRegion() {
        register("r1", "CN-BJ-HD", "2025-03-01", "2025-03-10");
        register("r1", "CN-SH", "2025-03-01", "2025-03-20");
        Map<RegionMonth, RegistrationMonth> months = DerivedDriver.table(monthly);
        assertEquals(Map.of(new RegionMonth("CN-SH", "2025-03"), 1L),
                months.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getCount())));
    }

    @Test
    void shouldGiveTheSameMonthlyCountsWhenRegistrationsArriveInAnyOrder() {
        // Registrations spread over eight months, a fifth of them sent twice, a few revised (date or region) by a
        // later-published version, and two versions of one id published at the same instant (a tie).
        Random random = new Random(20261202L);
        String[] regions = {"CN-BJ-HD", "CN-BJ-YZ", "CN-BJ", "CN-SH"};
        List<String[]> events = new ArrayList<>();
        Map<String, String[]> winners = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            LocalDate date = LocalDate.parse("2025-01-01").plusDays(random.nextInt(240));
            String[] e = {"r" + i, regions[random.nextInt(regions.length)], date.toString(), date.plusDays(random.nextInt(200)).toString()};
            events.add(e);
            winners.put(e[0], e);
            if (random.nextInt(5) == 0) {
                events.add(e);
            }
            if (random.nextInt(8) == 0) {
                LocalDate revised = date.plusDays(random.nextInt(60) - 30);
                LocalDate after = revised.isAfter(LocalDate.parse(e[3])) ? revised : LocalDate.parse(e[3]);
                String[] later = {e[0], regions[random.nextInt(regions.length)], revised.toString(),
                        after.plusDays(1 + random.nextInt(30)).toString()};
                events.add(later);
                winners.put(e[0], later);
            }
        }
        events.add(new String[] {"tie", "CN-BJ", "2025-02-01", "2025-03-01"});
        events.add(new String[] {"tie", "CN-SH", "2025-04-01", "2025-04-02"});
        events.add(new String[] {"tie", "CN-BJ-YZ", "2025-03-01", "2025-04-02"});
        Map<String, Long> expected = new TreeMap<>(); // without "tie"
        winners.values().forEach(w -> expected.merge(w[1] + "|" + w[2].substring(0, 7), 1L, Long::sum));

        List<Map<String, Long>> tables = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            List<String[]> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, new Random(seed));
            try (DerivedDriver other = new DerivedDriver()) {
                var otherMonthly = other.output(out.monthly());
                for (String[] e : shuffled) {
                    other.registrationJson("{\"id\":\"" + e[0] + "\",\"model_name\":\"M\",\"organization\":\"O\",\"region\":\""
                            + e[1] + "\",\"registration_date\":\"" + e[2] + "\",\"published\":\"" + e[3] + "\"}");
                }
                Map<String, Long> table = new TreeMap<>();
                DerivedDriver.table(otherMonthly).forEach((k, v) -> table.put(k.getRegion() + "|" + k.getMonth(), v.getCount()));
                tables.add(table);
            }
        }
        for (Map<String, Long> table : tables) {
            assertEquals(tables.get(0), table, "the same monthly counts in every order");
        }
        // Of the two versions of "tie" published at the same instant one wins, the same one in every order.
        Map<String, Long> withoutTie = new TreeMap<>(tables.get(0));
        String tieMonth = withoutTie.getOrDefault("CN-SH|2025-04", 0L) > expected.getOrDefault("CN-SH|2025-04", 0L)
                ? "CN-SH|2025-04" : "CN-BJ-YZ|2025-03";
        withoutTie.merge(tieMonth, -1L, Long::sum);
        withoutTie.values().removeIf(c -> c == 0);
        assertEquals(expected, withoutTie, "each winning version counted once in the month of its registration date");
    }

    @Test
    void shouldCountTheLast90DaysWhenTheNewestRegistrationDateAdvances() {
        register("r1", "CN-BJ-HD", "2025-01-01", "2025-01-02");
        register("r2", "CN-BJ-HD", "2025-03-01", "2025-03-02");
        register("r3", "CN-BJ-YZ", "2025-03-31", "2025-04-01");
        Map<String, RegistrationRolling> table = DerivedDriver.table(rolling);
        assertEquals(3, table.get("CN-BJ").getCount(), "2025-01-01 is within 90 days of 2025-03-31");
        assertEquals(LocalDate.parse("2025-03-31"), table.get("CN-BJ").getAsOf());

        register("r4", "CN-SH", "2025-04-05", "2025-04-06");
        table = DerivedDriver.table(rolling);
        assertEquals(2, table.get("CN-BJ").getCount(), "as of 2025-04-05 the window starts 2025-01-06");
        assertEquals(LocalDate.parse("2025-01-06"), table.get("CN-BJ").getWindowStart());
        assertEquals(1, table.get("CN-BJ-HD").getCount());
        assertEquals(3, table.get("CN").getCount());
    }

    @Test
    void shouldReconcileCountedAndReportedTotalsWhenBothExist() {
        register("r1", "CN-BJ-HD", "2025-06-01", "2025-06-05");
        register("r2", "CN-BJ-YZ", "2025-06-20", "2025-06-21");
        register("r3", "CN-BJ", "2025-07-01", "2025-07-03");
        d.latest(obs("a002-059", "registered_llm_count", "CN-BJ", "asof:2025-06-23", 2, "count", Qualifier.exact, "2025-06-23"));
        d.latest(obs("x", "registered_llm_count", "CN-BJ", "asof:2025-07-31", 5, "count", Qualifier.more_than, "2025-08-01"));

        Map<ObservationKey, RegistrationReconciliation> table = DerivedDriver.table(reconciliation);
        RegistrationReconciliation june = table.get(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-06-23"));
        assertEquals(2, june.getCounted());
        assertEquals(0.0, june.getDifference());
        assertTrue(june.getConsistent());
        assertEquals("reported", june.getNewer(), "reported 06-23, newest counted registration published 06-21");
        RegistrationReconciliation july = table.get(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-07-31"));
        assertEquals(3, july.getCounted());
        assertEquals(-2.0, july.getDifference());
        assertFalse(july.getConsistent(), "3 is not more than 5");

        register("r4", "CN-BJ-HD", "2025-06-22", "2025-06-30");
        june = DerivedDriver.table(reconciliation).get(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-06-23"));
        assertEquals(3, june.getCounted());
        assertEquals(1.0, june.getDifference());
        assertEquals("counted", june.getNewer());
    }

    @Test
    void shouldRecountAncestorsWhenAHierarchyNodeMoves() {
        register("r1", "CN-BJ-HD", "2025-03-01", "2025-03-10");
        register("r2", "CN-BJ-HD", "2025-03-02", "2025-03-10");
        assertEquals(2, count("CN-BJ"));
        d.region("CN-BJ-HD", "CN-SH", "district");
        assertEquals(0, count("CN-BJ"));
        assertEquals(2, count("CN-SH"));
        assertEquals(2, count("CN"));
    }

    @Test
    void shouldRollUpARegionOnceItBecomesKnown() {
        register("r1", "CN-BJ-CY", "2025-03-01", "2025-03-10");
        assertEquals(1, count("CN-BJ-CY"));
        assertEquals(0, count("CN-BJ"));
        d.region("CN-BJ-CY", "CN-BJ", "district");
        assertEquals(1, count("CN-BJ"));
        assertEquals(1, count("WORLD"));
    }

    @Test
    void shouldSendBadRegistrationToDeadLetterTopicWhenItFailsValidation() {
        d.registrationJson("{\"id\":\"r1\",\"model_name\":\"M\",\"organization\":\"O\",\"region\":\"beijing\",\"registration_date\":\"2025-03-01\",\"published\":\"2025-03-02\"}");
        d.registrationJson("{\"id\":\"r2\",\"model_name\":\"M\",\"organization\":\"O\",\"region\":\"CN-BJ\",\"registration_date\":\"2025-03-01\",\"published\":\"2025-02-01\"}");
        d.registrationJson("not json");
        register("r3", "CN-BJ", "2025-03-01", "2025-03-02");

        List<TestRecord<byte[], byte[]>> dead = rejected.readRecordsToList();
        assertEquals(3, dead.size());
        assertEquals("BAD_REGION", new String(dead.get(0).headers().lastHeader("almanac.reason").value(), StandardCharsets.UTF_8));
        assertEquals("BAD_PUBLISHED", new String(dead.get(1).headers().lastHeader("almanac.reason").value(), StandardCharsets.UTF_8));
        assertEquals("not json", new String(dead.get(2).value(), StandardCharsets.UTF_8));
        ValidationCounts counts = ValidationCounts.sum(d.driver.getKeyValueStore(RegistrationTopology.validationCountsStore(def)));
        assertEquals(1, counts.accepted());
        assertEquals(3, counts.rejected());
        assertEquals(1, count("CN-BJ"));
    }

    @Test
    void shouldGiveTheSameCountsWhenRegistrationsAndRegionsArriveInAnotherOrder() {
        try (DerivedDriver other = new DerivedDriver()) {
            var otherCumulative = other.output(out.cumulative());
            String[][] regs = {{"a", "CN-BJ-HD", "2025-01-05"}, {"b", "CN-BJ-YZ", "2025-02-05"}, {"c", "CN-SH", "2025-03-05"},
                    {"a", "CN-BJ-HD", "2025-01-05"}, {"d", "CN-BJ", "2025-03-06"}};
            for (int i = regs.length - 1; i >= 0; i--) {
                other.registrationJson("{\"id\":\"" + regs[i][0] + "\",\"model_name\":\"M\",\"organization\":\"O\",\"region\":\""
                        + regs[i][1] + "\",\"registration_date\":\"" + regs[i][2] + "\",\"published\":\"2025-04-01\"}");
            }
            other.region("CN-SH", "CN", "city");
            other.region("CN-BJ-YZ", "CN-BJ", "zone");
            other.region("CN-BJ-HD", "CN-BJ", "district");
            other.region("CN-BJ", "CN", "city");
            other.region("CN", "WORLD", "country");
            other.region("WORLD", null, "group");
            for (String[] r : regs) {
                register(r[0], r[1], r[2], "2025-04-01");
            }
            Map<String, RegistrationCount> a = DerivedDriver.table(cumulative);
            Map<String, RegistrationCount> b = DerivedDriver.table(otherCumulative);
            assertEquals(a.keySet(), b.keySet());
            for (String region : a.keySet()) {
                assertEquals(a.get(region).getCount(), b.get(region).getCount(), region);
                assertEquals(a.get(region).getOwnCount(), b.get(region).getOwnCount(), region);
            }
            assertEquals(4, a.get("WORLD").getCount());
        }
    }
}
