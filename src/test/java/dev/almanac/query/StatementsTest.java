package dev.almanac.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatementsTest {

    @Test
    void shouldQuoteCurrentOnlyWhereItIsATableName() {
        assertEquals("SELECT * FROM \"current\" c WHERE c.note = 'current'",
                Statements.quoteReservedTableNames("SELECT * FROM current c WHERE c.note = 'current'"));
        assertEquals("SELECT CURRENT_TIMESTAMP, \"current\".value FROM \"current\" -- current\n",
                Statements.quoteReservedTableNames("SELECT CURRENT_TIMESTAMP, current.value FROM current -- current\n"));
        assertEquals("SUM(x) OVER (ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
                Statements.quoteReservedTableNames("SUM(x) OVER (ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)"));
    }

    @Test
    void shouldSplitEmitChangesAndLimitWhenPushQueryIsGiven() {
        Statements.Push p = Statements.push("SELECT * FROM latest WHERE region = 'CN'\n EMIT CHANGES LIMIT 5 ;");
        assertEquals("SELECT * FROM latest WHERE region = 'CN'", p.query());
        assertEquals(5, p.limit().getAsLong());
        assertTrue(Statements.isPush(Statements.clean("select 1 emit changes;")));
        assertFalse(Statements.isPush("SELECT 'EMIT CHANGES' AS x FROM latest"));
    }

    @Test
    void shouldTurnKeyLiteralsIntoParametersWhenComparedWithTextColumns() {
        String a = "SELECT value FROM latest WHERE indicator = 'gdp' AND region IN ('CN-BJ', 'CN') AND value > 5 AND note LIKE 'x%'";
        String b = "SELECT value FROM latest WHERE indicator = 'cpi' AND region IN ('CN-SH', 'CN-GD') AND value > 5 AND note LIKE 'x%'";
        Set<String> text = Set.of("indicator", "region", "note");
        Parameterizer.Normalized na = Parameterizer.normalize(a, SqlErrors.parse(a), text);
        Parameterizer.Normalized nb = Parameterizer.normalize(b, SqlErrors.parse(b), text);
        assertEquals(na.sql(), nb.sql());
        assertEquals("SELECT value FROM latest WHERE indicator = ? AND region IN (?, ?) AND value > 5 AND note LIKE 'x%'", na.sql());
        assertEquals(List.of("gdp", "CN-BJ", "CN"), na.parameters());
        String quoted = "SELECT 1 FROM latest WHERE note = 'it''s'";
        Parameterizer.Normalized nq = Parameterizer.normalize(quoted, SqlErrors.parse(quoted), text);
        assertEquals(List.of("it's"), nq.parameters());
    }
}
