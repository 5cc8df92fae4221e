package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void shouldPrintOneLineAndExitTwoWhenOptionIsUnknown() {
        CliRun r = CliRun.of("demo", "--bogus");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--bogus"));
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void shouldExitTwoWhenCommandIsMissing() {
        assertEquals(2, CliRun.of().code());
    }

    @Test
    void shouldExitTwoWhenNumberIsMalformed() {
        CliRun r = CliRun.of("bench", "--events", "many");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void shouldRefuseZeroRepeatsOfTheBenchBeforeStartingABroker() {
        CliRun r = CliRun.of("bench", "--repeat", "0");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--repeat must be at least 1"), r.err());
        assertFalse(r.out().contains("Starting"), r.out());
    }

    @Test
    void shouldRefuseABenchWithAMissingDefinitionsFileBeforeStartingABroker() {
        for (String bench : new String[] {"bench", "bench replay", "bench queries"}) {
            List<String> args = new java.util.ArrayList<>(List.of(bench.split(" ")));
            args.addAll(List.of("--definitions", "/nonexistent/derived.yaml"));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.code(), bench);
            assertEquals("almanac: --definitions /nonexistent/derived.yaml: no such file", r.err().strip(), bench);
            assertFalse(r.out().contains("Starting"), bench);
        }
    }

    @Test
    void shouldNameTheFileWhenInputFileIsMissing() {
        CliRun r = CliRun.of("produce", "--file", "/nonexistent/obs.jsonl", "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.code());
        assertEquals("almanac: file not found: /nonexistent/obs.jsonl", r.err().strip());
    }

    @Test
    void shouldListCommandsWhenHelpIsAsked() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("demo") && r.out().contains("produce") && r.out().contains("bench"));
    }
}
