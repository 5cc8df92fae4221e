package dev.almanac.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statement cache (statements of one shape share a parse and a prepared statement, each with its own
 * literals), prepared statements with {@code ?}, and the key-lookup fast path, which must answer exactly
 * what the general path answers.
 */
class StatementCacheTest {

    private static BundledData data;

    @BeforeAll
    static void load() {
        data = new BundledData();
    }

    @AfterAll
    static void close() {
        data.close();
    }

    private static final String SERIES = "SELECT period, value FROM latest WHERE indicator = '%s' AND region = '%s' ORDER BY period";

    @Test
    void shouldAnswerEachStatementWithItsOwnLiteralsWhenStatementsShareAShape() {
        List<List<Object>> beijing = data.rows(String.format(SERIES, "registered_llm_count", "CN-BJ"));
        long parsedAfterFirst = data.engine.parsed.get();
        List<List<Object>> shanghai = data.rows(String.format(SERIES, "gdp", "CN-SH"));
        List<List<Object>> gdp = data.rows(String.format(SERIES, "gdp", "CN-BJ"));
        List<List<Object>> none = data.rows(String.format(SERIES, "gdp", "nowhere"));
        assertEquals(parsedAfterFirst, data.engine.parsed.get(), "statements of a known shape are not parsed again");

        assertEquals(List.of(List.of("asof:2025-06-23", 132.0), List.of("asof:2025-12-08", 183.0), List.of("asof:2025-12-31", 209.0)), beijing);
        assertFalse(shanghai.isEmpty());
        assertFalse(shanghai.equals(gdp), "other literals, other rows: " + shanghai);
        assertTrue(gdp.contains(List.of("2025", 5.2073e12)), gdp.toString());
        assertEquals(List.of(), none);
        // The same answers as a statement nobody cached (a comment changes the shape, not the meaning).
        assertEquals(shanghai, data.rows(String.format(SERIES, "gdp", "CN-SH") + " -- uncached"));
        assertEquals(gdp, data.rows(String.format(SERIES, "gdp", "CN-BJ") + " -- uncached"));
    }

    @Test
    void shouldSeeNewDataWhenTheSameStatementRunsAgain() {
        try (BundledData fresh = new BundledData()) {
            String q = "SELECT period, value FROM current WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'";
            assertEquals(List.of(List.of("asof:2025-12-31", 209.0)), fresh.rows(q));
            fresh.send("{\"id\": \"cache-1\", \"indicator\": \"registered_llm_count\", \"region\": \"CN-BJ\", "
                    + "\"period\": \"asof:2026-03-31\", \"value\": 230, \"unit\": \"count\", \"qualifier\": \"exact\", "
                    + "\"published\": \"2026-04-02\", \"source\": \"test\", \"quote\": \"230\"}");
            assertEquals(List.of(List.of("asof:2026-03-31", 230.0)), fresh.rows(q), "a cached statement reads the stores again");
        }
    }

    @Test
    void shouldKeepLiteralsThatAreNotParametersInTheCachedStatement() {
        String q = "SELECT region FROM latest WHERE indicator = 'gdp' AND region LIKE '%s' AND period = '2025' ORDER BY region";
        List<List<Object>> beijing = data.rows(String.format(q, "CN-BJ%"));
        List<List<Object>> shanghai = data.rows(String.format(q, "CN-SH%"));
        assertFalse(beijing.isEmpty());
        beijing.forEach(r -> assertTrue(((String) r.get(0)).startsWith("CN-BJ"), r.toString()));
        assertFalse(shanghai.isEmpty());
        shanghai.forEach(r -> assertTrue(((String) r.get(0)).startsWith("CN-SH"), r.toString()));
    }

    @Test
    void shouldCompareValuesEndingWithASpaceAsSqlDoesWhenTheShapeIsCached() {
        String q = "SELECT COUNT(*) AS n FROM latest WHERE indicator = '%s' AND region = 'CN-BJ'";
        Object withoutSpace = data.rows(String.format(q, "registered_llm_count")).get(0).get(0);
        assertEquals(3L, ((Number) withoutSpace).longValue());
        assertEquals(data.rows(String.format(q, "registered_llm_count ") + " -- uncached"), data.rows(String.format(q, "registered_llm_count ")));
    }

    /** Key lookups the fast path takes, each with a twin the general path runs (a trailing comment). */
    private static final List<String> LOOKUPS = List.of(
            "SELECT * FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025'",
            "SELECT value, published, value_text FROM latest WHERE period = '2025' AND region = 'CN-BJ' AND indicator = 'gdp'",
            "select VALUE, Published from LATEST where 'CN-BJ' = REGION and INDICATOR = 'gdp' and PERIOD = '2025'",
            "SELECT * FROM CURRENT WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ' AND frequency = 'STOCK'",
            "SELECT period, value FROM current WHERE indicator = 'gdp' AND region = 'CN-SH' AND frequency = 'A'",
            "SELECT * FROM \"current\" WHERE indicator = 'gdp' AND region = 'CN-SH' AND frequency = 'A'",
            "SELECT vintage, value, previous_value, change, superseded FROM revisions "
                    + "WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ' AND period = 'asof:2025-12-31'",
            "SELECT * FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = 'no such period'",
            "SELECT id FROM latest WHERE indicator = 'it''s' AND region = 'CN-BJ' AND period = '2025'",
            // prefixes, whole tables, LIMIT and AS OF
            "SELECT value FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ'",
            "SELECT * FROM latest WHERE indicator = 'gdp' LIMIT 7",
            "SELECT region, period FROM latest WHERE region = 'CN-BJ' AND indicator = 'registered_llm_count' LIMIT 2",
            "SELECT * FROM current WHERE indicator = 'gdp'",
            "SELECT * FROM current LIMIT 1000",
            "SELECT * FROM rejected_summary",
            "SELECT * FROM regions",
            "SELECT value FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2026-01-01 00:00:00' "
                    + "WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025'",
            "SELECT period, value FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00' "
                    + "WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'",
            "SELECT * FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00' WHERE indicator = 'registered_llm_count'",
            "SELECT * FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '2026-02-01 00:00:00' LIMIT 50",
            // COUNT(*) without decoding (latest, current) or over the rows (other tables)
            "SELECT COUNT(*) FROM latest",
            "select count(*) from LATEST where INDICATOR = 'gdp'",
            "SELECT COUNT(*) FROM latest WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'",
            "SELECT COUNT(*) FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025'",
            "SELECT COUNT(*) FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = 'no such period'",
            "SELECT COUNT(*) FROM latest WHERE indicator = 'no such indicator'",
            "SELECT COUNT(*) FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'",
            "SELECT COUNT(*) FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00' WHERE indicator = 'registered_llm_count'",
            "SELECT COUNT(*) FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '1990-01-01 00:00:00'",
            "SELECT COUNT(*) FROM current",
            "SELECT COUNT(*) FROM current WHERE indicator = 'gdp'",
            "SELECT COUNT(*) FROM current WHERE indicator = 'gdp' AND region = 'CN-BJ' AND frequency = 'A'",
            "SELECT COUNT(*) FROM current WHERE indicator = 'gdp' AND region = 'CN-BJ' AND frequency = 'M'",
            "SELECT COUNT(*) FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'",
            "SELECT COUNT(*) FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00' WHERE indicator = 'registered_llm_count'",
            "SELECT COUNT(*) FROM rejected_summary",
            "SELECT COUNT(*) FROM regions",
            "SELECT COUNT(*) FROM revisions WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ' AND period = 'asof:2025-12-31'");

    @Test
    void shouldAnswerKeyLookupsOnTheFastPathExactlyAsThroughCalcite() {
        for (String sql : LOOKUPS) {
            long fast = data.engine.keyLookups.get();
            QueryResult direct = data.engine.query(sql);
            assertEquals(fast + 1, data.engine.keyLookups.get(), "fast path not taken: " + sql);
            QueryResult planned = data.engine.query(sql + " /* through Calcite */");
            assertEquals(fast + 1, data.engine.keyLookups.get(), "a comment sends the statement to the general path");
            assertEquals(planned.columns(), direct.columns(), sql);
            assertEquals(planned.rows(), direct.rows(), sql);
            assertEquals(planned.instances(), direct.instances(), sql);
        }
        assertEquals(1, data.engine.query(LOOKUPS.get(0)).rows().size());
        assertTrue(data.engine.query(LOOKUPS.get(6)).rows().size() >= 1);
    }

    @Test
    void shouldCountWithoutDecodingWhatAFullReadOfTheSameRowsGives() {
        // Counts against the rows a select of the same table, time and key prefix returns (both fast and through Calcite).
        for (String from : List.of("latest", "latest WHERE indicator = 'gdp'", "latest WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'",
                "latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'",
                "latest FOR SYSTEM_TIME AS OF TIMESTAMP '2026-02-01 00:00:00' WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'",
                "current", "current WHERE indicator = 'gdp'", "current WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'",
                "current WHERE indicator = 'gdp' AND region = 'CN-BJ' AND frequency = 'A'",
                "current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'",
                "current FOR SYSTEM_TIME AS OF TIMESTAMP '2026-02-01 00:00:00' WHERE indicator = 'registered_llm_count'")) {
            long rows = data.engine.query("SELECT indicator FROM " + from).rows().size();
            assertTrue(rows > 0, from);
            assertEquals(List.of(List.of(rows)), data.engine.query("SELECT COUNT(*) FROM " + from).rows(), from);
            assertEquals(List.of(List.of(rows)), data.engine.query("SELECT COUNT(*) FROM " + from + " -- through Calcite").rows(), from);
        }
        long now = (Long) data.engine.query("SELECT COUNT(*) FROM latest").rows().get(0).get(0);
        long then = (Long) data.engine.query("SELECT COUNT(*) FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'").rows().get(0).get(0);
        assertTrue(then < now, then + " rows then, " + now + " now");
        assertEquals(List.of(List.of(0L)), data.engine.query("SELECT COUNT(*) FROM latest WHERE indicator = 'no such indicator'").rows());
    }

    @Test
    void shouldCountCurrentFromItsStoredBytesWithoutATypedScan() {
        for (String from : List.of("current", "current WHERE indicator = 'gdp'", "current WHERE indicator = 'gdp' AND region = 'CN-BJ'",
                "current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'")) {
            data.stores.reset();
            long n = (Long) data.engine.query("SELECT COUNT(*) FROM " + from).rows().get(0).get(0);
            assertTrue(n > 0, from);
            assertEquals(1, data.stores.calls("current-store.serialized", from.contains("WHERE") ? "prefixScan" : "all"), from);
            // The typed store (which decodes every key and observation it passes) is not scanned.
            assertEquals(0, data.stores.calls("current-store", "all") + data.stores.calls("current-store", "prefixScan"), from);
        }
    }

    @Test
    void shouldLeaveOtherShapesToTheGeneralPath() {
        long fast = data.engine.keyLookups.get();
        for (String sql : List.of(
                "SELECT value AS v FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025'",
                "SELECT value FROM latest WHERE region = 'CN-BJ'",
                "SELECT value FROM latest WHERE indicator = 'gdp' AND period = '2025'",
                "SELECT value FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' ORDER BY period",
                "SELECT value FROM latest WHERE indicator = 'gdp' LIMIT 5 OFFSET 2",
                "SELECT value FROM latest WHERE indicator = 'gdp' LIMIT 1.5",
                "SELECT value FROM latest WHERE indicator = 'gdp' LIMIT 0",
                "SELECT COUNT(*) AS n FROM latest",
                "SELECT COUNT(*) FROM latest WHERE period = '2025'",
                "SELECT COUNT(*) FROM latest LIMIT 1",
                "SELECT COUNT(indicator) FROM latest",
                "SELECT * FROM regions WHERE code = 'CN'",
                "SELECT value FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2026-01-01' WHERE indicator = 'gdp'",
                "SELECT value FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2026-01-01 00:00:00.5' WHERE indicator = 'gdp'",
                "SELECT value FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025' AND value > 1",
                "SELECT value FROM latest WHERE indicator = 'gdp' OR region = 'CN-BJ' AND period = '2025'",
                "SELECT value, value FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025'")) {
            data.engine.query(sql);
        }
        assertEquals(fast, data.engine.keyLookups.get());
    }

    @Test
    void shouldBindParametersOfPreparedStatementsInOrder() {
        String lookup = "SELECT value, published FROM latest WHERE indicator = ? AND region = ? AND period = ?";
        assertEquals(List.of(List.of(5.2073e12, "2026-01-26T00:00:00Z")), data.engine.query(lookup, List.of("gdp", "CN-BJ", "2025")).rows());
        assertEquals(data.rows("SELECT value, published FROM latest WHERE indicator = 'gdp' AND region = 'CN-SH' AND period = '2025'"),
                data.engine.query(lookup, List.of("gdp", "CN-SH", "2025")).rows());

        String series = "SELECT period, value FROM latest WHERE indicator = ? AND region = ? AND value > ? ORDER BY period";
        assertEquals(List.of(List.of("asof:2025-12-08", 183.0), List.of("asof:2025-12-31", 209.0)),
                data.engine.query(series, List.of("registered_llm_count", "CN-BJ", 150)).rows());
        assertEquals(List.of(List.of("asof:2025-12-31", 209.0)),
                data.engine.query(series, List.of("registered_llm_count", "CN-BJ", 200.5)).rows());
        assertEquals(List.of(), data.engine.query(series, List.of("registered_llm_count", "nowhere", 0)).rows());
        // A ? inside a string is not a parameter.
        assertEquals(List.of(List.of("?")), data.engine.query("SELECT '?' AS q FROM latest WHERE indicator = ? AND region = ? AND period = ?",
                List.of("gdp", "CN-BJ", "2025")).rows());

        QueryException missing = assertThrows(QueryException.class, () -> data.engine.query(lookup, List.of("gdp")));
        assertEquals(400, missing.status());
        assertTrue(missing.getMessage().contains("3 ? parameter(s) but 1"), missing.getMessage());
        QueryException extra = assertThrows(QueryException.class, () -> data.engine.query("SELECT 1", List.of("x")));
        assertEquals(400, extra.status());
    }

    @Test
    void shouldRefuseOversizedStatementsWith413() {
        String huge = "SELECT 1 FROM latest WHERE note = '" + "x".repeat(SqlEngine.MAX_STATEMENT_CHARS) + "'";
        assertEquals(413, assertThrows(QueryException.class, () -> data.engine.query(huge)).status());
    }

    @Test
    void shouldReportSyntaxErrorsWithTheirPositionForCachedShapesToo() {
        data.rows(String.format(SERIES, "gdp", "CN-BJ"));
        QueryException e = assertThrows(QueryException.class,
                () -> data.engine.query("SELECT period, value FROM latest WHERE indicator = 'gdp' AND AND region = 'x'"));
        assertEquals(400, e.status());
        assertEquals(1, e.line());
        assertTrue(e.column() > 50, "column " + e.column());
        assertEquals(404, assertThrows(QueryException.class,
                () -> data.engine.query("SELECT * FROM nowhere WHERE indicator = 'a' AND region = 'b' AND period = 'c'")).status());
    }
}
