package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void shouldPrintOneLineAndExitTwoWhenOptionIsUnknown() {
        Result r = run("demo", "--bogus");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--bogus"));
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void shouldExitTwoWhenCommandIsMissing() {
        assertEquals(2, run().code());
    }

    @Test
    void shouldExitTwoWhenNumberIsMalformed() {
        Result r = run("bench", "--events", "many");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void shouldNameTheFileWhenInputFileIsMissing() {
        Result r = run("produce", "--file", "/nonexistent/obs.jsonl", "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(1, r.code());
        assertEquals("almanac: file not found: /nonexistent/obs.jsonl", r.err().strip());
    }

    @Test
    void shouldListCommandsWhenHelpIsAsked() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("demo") && r.out().contains("produce") && r.out().contains("bench"));
    }
}
