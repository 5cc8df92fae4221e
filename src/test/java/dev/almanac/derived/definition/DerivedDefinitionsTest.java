package dev.almanac.derived.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.observation.Frequency;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DerivedDefinitionsTest {

    private static List<String> problems(String yaml) {
        return assertThrows(DefinitionException.class, () -> DerivedDefinitions.parse(yaml, "d.yaml")).problems();
    }

    @Test
    void shouldReadEveryTableWhenTheBundledFileIsParsed() {
        DerivedDefinitions d = DerivedDefinitions.load(java.nio.file.Path.of(DerivedDefinitions.BUNDLED));
        assertEquals(List.of("shares", "periods", "growth", "conflicts", "registrations"),
                d.tables().stream().map(TableDefinition::name).toList());
        TableDefinition.Conflicts c = d.tables(TableDefinition.Conflicts.class).get(0);
        assertEquals(Duration.ofDays(31), c.window());
        assertEquals(1.5, c.jumpFactor());
        TableDefinition.Growth g = d.tables(TableDefinition.Growth.class).get(0);
        assertEquals(Set.of(Frequency.A, Frequency.Q, Frequency.H, Frequency.YTD), g.frequencies());
        assertEquals(90, d.registrations().orElseThrow().rollingDays());
        assertEquals(List.of(), d.notes(), "the bundled file has no key without effect");
        assertEquals(d.tables(), DerivedDefinitions.bundled().tables(), "the classpath copy is the same file");
    }

    @Test
    void shouldNameTheLineWhenAKeyIsUnknown() {
        List<String> p = problems("""
                version: 1
                tables:
                  shares:
                    type: share_of_parent
                    indicator: [gdp]
                """);
        assertTrue(p.contains("d.yaml:5: table 'shares': unknown key 'indicator' (allowed: indicators, type)"), p.toString());
        assertTrue(p.contains("d.yaml:4: table 'shares': missing 'indicators' (a list of indicator codes)"), p.toString());
    }

    @Test
    void shouldNameTheLineWhenAValueIsInvalid() {
        List<String> p = problems("""
                version: 1
                tables:
                  growth:
                    type: yoy_growth
                    indicators: [gdp, GDP]
                    frequencies: [A, W]
                  conflicts:
                    type: conflicts
                    window: soon
                    jump_factor: 0.5
                    tolerance:
                      approx: 2
                """);
        assertEquals(List.of(
                "d.yaml:5: table 'growth': indicator 'GDP' is not a snake_case code (^[a-z][a-z0-9_]*$)",
                "d.yaml:6: table 'growth': frequency 'W' is not one of A, Q, H, M, YTD, STOCK",
                "d.yaml:9: table 'conflicts': window 'soon' is not a duration such as 31d, 12h, 30m, 45s or P31D",
                "d.yaml:10: table 'conflicts': jump_factor must be a number greater than 1, not 0.5",
                "d.yaml:12: table 'conflicts': tolerance.approx must be a fraction from 0 up to (not including) 1, e.g. 0.1 for 10 %, not '2'"), p);
    }

    @Test
    void shouldNameTheLineWhenATypeIsUnknownOrANameIsInvalid() {
        List<String> p = problems("""
                version: 1
                tables:
                  Shares:
                    type: share_of_parent
                    indicators: [gdp]
                  latest:
                    type: share_of_parent
                    indicators: [gdp]
                  x:
                    type: sum
                """);
        assertTrue(p.get(0).startsWith("d.yaml:3: table 'Shares': a table name must match"), p.toString());
        assertTrue(p.contains("d.yaml:6: table 'latest': the name 'latest' is taken by a foundation topic; choose another"), p.toString());
        assertTrue(p.contains("d.yaml:10: table 'x': unknown type 'sum' (one of conflicts, decumulation, registrations, share_of_parent, yoy_growth)"), p.toString());
    }

    @Test
    void shouldRejectDuplicateKeysAndMalformedYamlWithTheirLine() {
        assertEquals(List.of("d.yaml:6: key 'shares' appears twice (first on line 3)"), problems("""
                version: 1
                tables:
                  shares:
                    type: share_of_parent
                    indicators: [gdp]
                  shares:
                    type: decumulation
                    indicators: [gdp]
                """));
        List<String> p = problems("version: 1\ntables:\n  a: [unclosed\n");
        assertTrue(p.get(0).startsWith("d.yaml:"), p.toString());
        assertEquals(List.of("d.yaml:1: version must be 1"), problems("version: 2\ntables: {}\n"));
    }

    @Test
    void shouldRejectASecondRegistrationsTableWhenTwoAreDefined() {
        List<String> p = problems("""
                version: 1
                tables:
                  registrations:
                    type: registrations
                  more-registrations:
                    type: registrations
                """);
        assertEquals(List.of("d.yaml:5: table 'more-registrations': only one table of type registrations may be defined (it consumes the registrations topic)"), p);
    }

    @Test
    void shouldLoadButNoteGraceAndMonthlyRetentionWhenAnOlderFileStillHasThem() {
        // Monthly counts once were windows with a grace period; files written for them must still load.
        DerivedDefinitions d = DerivedDefinitions.parse("""
                version: 1
                tables:
                  registrations:
                    type: registrations
                    grace: 10d
                    monthly_retention: 20d
                    rolling_days: 30
                """, "d.yaml");
        assertEquals(30, d.registrations().orElseThrow().rollingDays());
        assertEquals(List.of(
                "d.yaml:5: table 'registrations': 'grace' has no effect any more (monthly counts include every registration"
                        + " in the month of its registration date, however late it arrives); remove it",
                "d.yaml:6: table 'registrations': 'monthly_retention' has no effect any more (monthly counts include every"
                        + " registration in the month of its registration date, however late it arrives); remove it"), d.notes());
    }

    @Test
    void shouldApplyDefaultsWhenOptionalKeysAreLeftOut() {
        DerivedDefinitions d = DerivedDefinitions.parse("""
                version: 1
                tables:
                  c:
                    type: conflicts
                  r:
                    type: registrations
                """, "d.yaml");
        TableDefinition.Conflicts c = d.tables(TableDefinition.Conflicts.class).get(0);
        assertEquals(Duration.ofDays(31), c.window());
        assertEquals(new TableDefinition.Tolerance(0.005, 0.10, 0.25), c.tolerance());
        assertEquals(90, d.registrations().orElseThrow().rollingDays());
        assertEquals("registered_llm_count", d.registrations().orElseThrow().reconcileIndicator());
    }
}
