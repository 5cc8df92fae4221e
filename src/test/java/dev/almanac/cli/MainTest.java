package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
