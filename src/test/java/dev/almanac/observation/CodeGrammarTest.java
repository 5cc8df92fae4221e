package dev.almanac.observation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The hand-written checks of indicator and region codes accept exactly what the grammars' regexes accept. */
class CodeGrammarTest {

    /** Characters on both sides of every class boundary of the two grammars, and a line end. */
    private static final String ALPHABET = "aAzZbY09_-\n é@[`{/:Ä";

    private static String random(Random random, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    /** Strings of a grammar's own characters, so that many of them match: random noise alone almost never does. */
    private static String nearlyValid(Random random, String first, String rest, int maxLength) {
        int n = 1 + random.nextInt(maxLength);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            String from = i == 0 ? first : rest;
            s.append(random.nextInt(40) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length())) : from.charAt(random.nextInt(from.length())));
        }
        return s.toString();
    }

    /** Both checks give the same verdict on 200,000 strings, half random, half nearly valid; returns how many they accept. */
    private static int sameVerdicts(Random random, Function<Random, String> nearlyValid, Predicate<String> regex, Predicate<String> loop) {
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            String s = i % 2 == 0 ? random(random, 12) : nearlyValid.apply(random);
            boolean expected = regex.test(s);
            assertEquals(expected, loop.test(s), () -> "'" + s + "'");
            accepted += expected ? 1 : 0;
        }
        return accepted;
    }

    @Test
    void shouldAcceptExactlyTheIndicatorsTheRegexAccepts() {
        int accepted = sameVerdicts(new Random(20261204), r -> nearlyValid(r, "abz", "az09_", 140),
                ObservationValidator::matchesIndicatorPattern, ObservationValidator::isIndicatorCode);
        assertTrue(accepted > 10_000, "the sample holds valid codes too: " + accepted);
        assertTrue(ObservationValidator.isIndicatorCode("a" + "b".repeat(127)));
        assertFalse(ObservationValidator.isIndicatorCode("a" + "b".repeat(128)));
        assertFalse(ObservationValidator.isIndicatorCode("gdp\n"));
    }

    @Test
    void shouldAcceptExactlyTheRegionCodesTheRegexAccepts() {
        int accepted = sameVerdicts(new Random(4122026), r -> nearlyValid(r, "ABZ", "AZ09-", 40),
                Regions::matchesCodePattern, Regions::matchesCode);
        assertTrue(accepted > 1_000, "the sample holds valid codes too: " + accepted);
        assertTrue(Regions.matchesCode("CN-BJ-HD"));
        assertTrue(Regions.matchesCode("CN-" + "A".repeat(12)));
        assertFalse(Regions.matchesCode("CN-" + "A".repeat(13)));
        assertFalse(Regions.matchesCode("CN-"));
        assertFalse(Regions.matchesCode("CN--BJ"));
        assertFalse(Regions.matchesCode("CN\n"));
    }
}
