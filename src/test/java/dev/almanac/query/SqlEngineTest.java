package dev.almanac.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.foundation.FoundationTopology;
import dev.almanac.testing.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SQL layer over the real stores of a topology test driver fed with the bundled dataset. */
class SqlEngineTest {

    private static BundledData data;

    @BeforeAll
    static void load() {
        data = new BundledData();
        data.send("not json");
        data.send(Fixtures.json("bad-region", "gdp", "beijing", "2025", "1", "2025-01-01"));
        data.send(Fixtures.json("bad-period", "gdp", "CN", "2025-Q9", "1", "2025-01-01"));
    }

    @AfterAll
    static void close() {
        data.close();
    }

    @BeforeEach
    void resetCounters() {
        data.stores.reset();
    }

    private static final String BJ_LLM = "indicator = 'registered_llm_count' AND region = 'CN-BJ'";

    @Test
    void shouldGetOneKeyWithoutScanningWhenEveryKeyColumnIsFixed() {
        List<List<Object>> rows = data.rows("SELECT value, published FROM latest WHERE " + BJ_LLM + " AND period = 'asof:2025-06-23'");
        assertEquals(List.of(List.of(132.0, "2025-06-23T00:00:00Z")), rows);
        assertEquals(1, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "reverseRange"));
        assertEquals(0, data.stores.scans(), "a key lookup must not scan: " + data.stores.calls);
    }

    @Test
    void shouldPrefixScanOneSeriesWhenIndicatorAndRegionAreFixed() {
        List<List<Object>> rows = data.rows("SELECT period, value FROM latest WHERE " + BJ_LLM + " ORDER BY published");
        assertEquals(List.of(List.of("asof:2025-06-23", 132.0), List.of("asof:2025-12-08", 183.0), List.of("asof:2025-12-31", 209.0)), rows);
        assertEquals(1, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "prefixScan"));
        assertEquals(0, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "all"));
    }

    @Test
    void shouldPrefixScanIndicatorWhenOnlyIndicatorIsFixed() {
        List<List<Object>> rows = data.rows("SELECT region FROM latest WHERE indicator = 'gdp' AND region LIKE 'CN-BJ%' ORDER BY region");
        assertFalse(rows.isEmpty());
        rows.forEach(r -> assertTrue(((String) r.get(0)).startsWith("CN-BJ")));
        assertEquals(1, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "prefixScan"));
        assertEquals(0, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "all"));
    }

    @Test
    void shouldReadOnlyThoseRegionsWhenOnlyTheRegionIsFixed() {
        List<List<Object>> rows = data.rows("SELECT indicator, region, period FROM latest WHERE region LIKE 'CN-BJ-%'");
        long districts = BundledData.lines().stream()
                .map(l -> dev.almanac.observation.ObservationJson.parse(l.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .filter(o -> o.getRegion().startsWith("CN-BJ-"))
                .map(o -> o.getIndicator() + "|" + o.getRegion() + "|" + o.getPeriod()).distinct().count();
        assertEquals(districts, rows.size());
        // One prefix scan per indicator (indicator, then the region prefix), never the whole table.
        assertEquals(0, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "all"), data.stores.calls.toString());
        assertTrue(data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "prefixScan") > 0, data.stores.calls.toString());
        data.stores.reset();
        List<List<Object>> shanghai = data.rows("SELECT indicator, value FROM current WHERE region = 'CN-SH'");
        assertFalse(shanghai.isEmpty());
        assertEquals(0, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "all"), data.stores.calls.toString());
        assertEquals(0, data.stores.calls(FoundationTopology.CURRENT_STORE, "all"), data.stores.calls.toString());
    }

    @Test
    void shouldScanOncePerValueWhenKeyColumnIsInAList() {
        List<List<Object>> rows = data.rows("SELECT region, value FROM current WHERE indicator = 'gdp' AND region IN ('CN-BJ', 'CN-SH') "
                + "AND frequency = 'A' ORDER BY region");
        assertEquals(List.of(List.of("CN-BJ", 5.2073e12), List.of("CN-SH", 5.67e12)), rows);
        assertEquals(2, data.stores.calls(FoundationTopology.CURRENT_STORE, "get"));
        assertEquals(0, data.stores.scans(), data.stores.calls.toString());
    }

    @Test
    void shouldGiveTheSameRowsWithAndWithoutPushdownWhenPredicatesAreOnKeys() {
        // "|| ''" hides the column from the pushdown, forcing a full scan filtered by Calcite alone.
        String[][] pairs = {
            {"indicator = 'gdp'", "indicator || '' = 'gdp'"},
            {BJ_LLM, "indicator || '' = 'registered_llm_count' AND region || '' = 'CN-BJ'"},
            {"indicator IN ('gdp', 'unicorn_count') AND region = 'CN-BJ'", "indicator || '' IN ('gdp', 'unicorn_count') AND region || '' = 'CN-BJ'"},
            {"indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025'", "indicator || '' = 'gdp' AND region || '' = 'CN-BJ' AND period || '' = '2025'"},
            {"indicator = 'gdp' AND indicator = 'cpi'", "indicator || '' = 'gdp' AND indicator || '' = 'cpi'"},
            {"region LIKE 'CN-BJ-%'", "region || '' LIKE 'CN-BJ-%'"},
            {"region LIKE 'CN-BJ%' AND region LIKE 'CN%'", "region || '' LIKE 'CN-BJ%'"},
            {"region IN ('CN-SH', 'CN-BJ-HD')", "region || '' IN ('CN-SH', 'CN-BJ-HD')"},
            {"region = 'CN-SH' AND region = 'CN-BJ'", "region || '' = 'CN-SH' AND region || '' = 'CN-BJ'"},
        };
        for (String table : List.of("latest", "current", "latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-12-31 00:00:00'",
                "current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-12-31 00:00:00'")) {
            for (String[] p : pairs) {
                String cols = "SELECT indicator, region, period, value, published FROM " + table + " WHERE ";
                List<List<Object>> pushed = sorted(data.rows(cols + p[0]));
                List<List<Object>> scanned = sorted(data.rows(cols + p[1]));
                assertEquals(scanned, pushed, table + " WHERE " + p[0]);
            }
        }
        assertFalse(data.rows("SELECT * FROM latest WHERE indicator = 'gdp'").isEmpty());
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(Object::toString));
        return copy;
    }

    @Test
    void shouldAnswerCurrentValueAsKnownThenWhenQueriedAsOf() {
        String q = "SELECT value, period FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '%s' WHERE " + BJ_LLM;
        assertEquals(List.of(List.of(132.0, "asof:2025-06-23")), data.rows(String.format(q, "2025-07-01 00:00:00")));
        assertEquals(List.of(List.of(183.0, "asof:2025-12-08")), data.rows(String.format(q, "2025-12-31 00:00:00")));
        assertEquals(List.of(List.of(209.0, "asof:2025-12-31")), data.rows(String.format(q, "2026-02-01 00:00:00")));
        assertEquals(List.of(), data.rows(String.format(q, "2025-01-01 00:00:00")));
        assertEquals(List.of(List.of(209.0, "asof:2025-12-31")), data.rows("SELECT value, period FROM current WHERE " + BJ_LLM));
    }

    @Test
    void shouldAnswerLatestTableAsPublishedThenWhenQueriedAsOf() {
        assertEquals(List.of(List.of("2025", 5e12, "estimate")), data.rows("SELECT period, value, qualifier FROM latest "
                + "FOR SYSTEM_TIME AS OF TIMESTAMP '2026-01-01 00:00:00' WHERE indicator = 'gdp' AND region = 'CN-BJ'"));
        assertEquals(List.of(List.of("2025", 5.2073e12, "exact")), data.rows("SELECT period, value, qualifier FROM latest "
                + "WHERE indicator = 'gdp' AND region = 'CN-BJ'"));
        // A whole-table as-of scan equals the latest table of the vintages published by then.
        long asOfCount = ((Number) data.rows("SELECT COUNT(*) FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'").get(0).get(0)).longValue();
        java.time.Instant cut = java.time.Instant.parse("2025-07-01T00:00:00Z");
        long published = BundledData.lines().stream()
                .map(l -> dev.almanac.observation.ObservationJson.parse(l.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .filter(o -> !o.getPublished().isAfter(cut))
                .map(o -> o.getIndicator() + "|" + o.getRegion() + "|" + o.getPeriod()).distinct().count();
        assertTrue(asOfCount > 0 && asOfCount < data.rows("SELECT * FROM latest").size(), "as of mid-2025 fewer keys existed");
        assertEquals(published, asOfCount);
    }

    @Test
    void shouldAnswerNothingAsOfATimeBeforeAnyPublication() {
        // The history has no time limit: a century back is answered exactly, and nothing had been published.
        assertEquals(List.of(), data.rows("SELECT * FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '1900-01-01 00:00:00' WHERE indicator = 'gdp'"));
        assertEquals(List.of(), data.rows("SELECT * FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '1900-01-01 00:00:00'"));
        assertFalse(data.rows("SELECT * FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2026-02-01 00:00:00' WHERE indicator = 'gdp'").isEmpty());
    }

    @Test
    void shouldListEveryVintageWithChangeWhenRevisionsAreQueried() {
        List<List<Object>> rows = data.rows("SELECT vintage, value_text, qualifier, published, previous_value, change, superseded "
                + "FROM revisions WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025' ORDER BY vintage");
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(List.of(1, "5万亿", "estimate", "2025-12-08T00:00:00Z"), rows.get(0).subList(0, 4));
        assertEquals(null, rows.get(0).get(4));
        assertEquals("52073.4亿", rows.get(1).get(1));
        assertEquals(5.0e12, rows.get(1).get(4));
        assertEquals(5.20734e12 - 5.0e12, (Double) rows.get(1).get(5), 1.0);
        assertEquals(rows.get(1).get(3), rows.get(0).get(6), "a vintage is superseded when the next is published");
        assertEquals(null, rows.get(2).get(6));
        assertEquals(1, data.stores.calls(FoundationTopology.LATEST_HISTORY_STORE, "range"));
    }

    @Test
    void shouldExplainWhatIsMissingWhenRevisionsHaveNoKeyPredicate() {
        QueryException e = assertThrows(QueryException.class, () -> data.engine.query("SELECT * FROM revisions WHERE value > 100"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("needs a key predicate"), e.getMessage());
    }

    @Test
    void shouldJoinTablesAndOrderDescending() {
        List<List<Object>> rows = data.rows("SELECT l.region, l.value, c.period FROM latest l JOIN current c "
                + "ON l.indicator = c.indicator AND l.region = c.region AND l.period = c.period "
                + "WHERE l.indicator = 'gdp' AND c.frequency = 'A' ORDER BY l.value DESC");
        assertTrue(rows.size() >= 2, rows.toString());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue((Double) rows.get(i - 1).get(1) >= (Double) rows.get(i).get(1), rows.toString());
        }
    }

    @Test
    void shouldJoinSharesWithRegionNamesOrderedByShare() {
        List<List<Object>> rows = data.rows("SELECT s.region, r.name_en, s.parent, s.period, s.value, s.qualifier FROM shares s "
                + "JOIN regions r ON r.code = s.region WHERE s.base_indicator = 'gdp' ORDER BY s.value DESC");
        assertFalse(rows.isEmpty(), "the bundled data has district GDP shares");
        for (int i = 1; i < rows.size(); i++) {
            assertTrue((Double) rows.get(i - 1).get(4) >= (Double) rows.get(i).get(4), rows.toString());
        }
        List<Object> pudong = rows.stream().filter(r -> r.get(0).equals("CN-SH-PD")).findFirst().orElseThrow();
        assertEquals("CN-SH", pudong.get(2));
        assertEquals(100 * 1.88 / 5.67, (Double) pudong.get(4), 0.01);
        assertEquals("estimate", pudong.get(5));
        assertTrue(pudong.get(1) != null && !((String) pudong.get(1)).isBlank(), pudong.toString());
    }

    @Test
    void shouldQueryDerivedTablesLikeAnyOther() {
        assertEquals(33, ((Number) data.rows("SELECT COUNT(*) FROM regions").get(0).get(0)).intValue());
        assertFalse(data.rows("SELECT kind, indicator, detail FROM conflicts WHERE kind = 'period_jump'").isEmpty());
        List<String> names = data.tables.names();
        assertTrue(names.containsAll(List.of("shares", "periods", "growth", "conflicts", "registrations_cumulative")), names.toString());
    }

    @Test
    void shouldCountRejectionsByReason() {
        List<List<Object>> rows = data.rows("SELECT reason, count FROM rejected_summary ORDER BY reason");
        long total = rows.stream().mapToLong(r -> ((Number) r.get(1)).longValue()).sum();
        assertEquals(3, total, rows.toString());
    }

    @Test
    void shouldRejectStatementsThatWrite() {
        for (String sql : List.of("INSERT INTO latest (indicator) VALUES ('x')", "DELETE FROM latest", "UPDATE latest SET value = 1")) {
            QueryException e = assertThrows(QueryException.class, () -> data.engine.query(sql), sql);
            assertEquals(403, e.status(), sql);
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
    }

    @Test
    void shouldReportPositionWhenSqlIsBad() {
        QueryException e = assertThrows(QueryException.class, () -> data.engine.query("SELECT indicator\nFROM latest WHER value > 1"));
        assertEquals(400, e.status());
        assertEquals(2, e.line(), e.getMessage());
        assertTrue(e.column() > 1, e.getMessage());
        QueryException col = assertThrows(QueryException.class, () -> data.engine.query("SELECT nope FROM latest WHERE region = 'CN'"));
        assertEquals(400, col.status());
        assertEquals(1, col.line());
        assertEquals(8, col.column(), col.getMessage());
        assertTrue(col.getMessage().contains("nope"), col.getMessage());
    }

    @Test
    void shouldListKnownTablesWhenTableIsUnknown() {
        QueryException e = assertThrows(QueryException.class, () -> data.engine.query("SELECT * FROM unemployment"));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("unknown table unemployment") && e.getMessage().contains("latest, current"), e.getMessage());
    }

    @Test
    void shouldTruncateAtTheRowCapAndSayIt() {
        try (BundledData small = new BundledData(5)) {
            QueryResult r = small.engine.query("SELECT * FROM latest");
            assertEquals(5, r.rows().size());
            assertTrue(r.truncated());
            assertFalse(small.engine.query("SELECT * FROM latest LIMIT 5").truncated());
        }
    }

    @Test
    void shouldStopWithTimeoutWhenQueryExceedsTheTimeLimit() {
        CountDownLatch never = new CountDownLatch(1);
        Router slow = (table, request) -> {
            QueryContext ctx = QueryContext.current();
            while (true) {
                ctx.check();
                try {
                    never.await(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QueryException(503, "interrupted");
                }
            }
        };
        try (SqlEngine engine = new SqlEngine(data.tables, slow, new SqlEngine.Limits(10, Duration.ofMillis(300), 1))) {
            QueryException e = assertThrows(QueryException.class, () -> engine.query("SELECT * FROM latest"));
            assertEquals(504, e.status());
        }
    }

    @Test
    void shouldReadReservedWordsAsNames() {
        assertEquals(1, data.rows("SELECT value, period FROM current WHERE " + BJ_LLM).size());
        assertEquals(1, data.rows("SELECT c.value FROM \"current\" AS c WHERE c.indicator = 'registered_llm_count' AND c.region = 'CN-BJ'").size());
    }

    @Test
    void shouldEvaluatePushQueryOnChangedRows() throws Exception {
        try (PushQuery q = PushQuery.prepare(data.engine, "SELECT region, value * 2 AS twice FROM latest WHERE indicator = 'gdp' EMIT CHANGES LIMIT 3;")) {
            assertEquals(3, q.limit().getAsLong());
            assertEquals(List.of("region", "twice"), q.columns().stream().map(QueryResult.ResultColumn::name).toList());
            Object[] gdp = ObservationColumns.row(dev.almanac.avro.IndicatorObservation.newBuilder().setId("x").setIndicator("gdp")
                    .setRegion("CN-BJ").setPeriod("2026").setValue(2).setUnit("CNY").setPublished(java.time.Instant.parse("2026-03-01T00:00:00Z"))
                    .setSource("t").build());
            Object[] other = gdp.clone();
            other[0] = "cpi";
            assertEquals(List.of(List.of("CN-BJ", 4.0)), q.apply(List.of(gdp, other), Duration.ofSeconds(5)));
        }
        for (String bad : List.of("SELECT indicator, COUNT(*) FROM latest GROUP BY indicator EMIT CHANGES",
                "SELECT * FROM latest ORDER BY value EMIT CHANGES", "SELECT * FROM rejected_summary EMIT CHANGES",
                "SELECT * FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-01-01 00:00:00' EMIT CHANGES")) {
            assertEquals(400, assertThrows(QueryException.class, () -> PushQuery.prepare(data.engine, bad), bad).status(), bad);
        }
    }
}
