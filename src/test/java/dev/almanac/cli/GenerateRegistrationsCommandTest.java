package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.derived.registration.RegistrationJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerateRegistrationsCommandTest {

    /** The command for Beijing's registered_llm_count in the bundled observations. */
    private static GenerateRegistrationsCommand beijing(int count, long seed) {
        GenerateRegistrationsCommand cmd = new GenerateRegistrationsCommand();
        cmd.count = count;
        cmd.seed = seed;
        cmd.observations = Path.of("data/observations.jsonl");
        cmd.region = "CN-BJ";
        cmd.indicator = "registered_llm_count";
        return cmd;
    }

    @Test
    void shouldRefuseWithExitCode2WhenTheCountIsBelowTheReportedTotal() {
        GenerateRegistrationsCommand cmd = beijing(100, 1);
        UserException e = assertThrows(UserException.class, cmd::call);
        assertEquals(2, e.exitCode());
        assertEquals("count 100 is below the reported total 209 it must match; use at least 209", e.getMessage());
    }

    @Test
    void shouldWriteJsonLinesTheTopologyAcceptsWhenRun() throws IOException {
        GenerateRegistrationsCommand cmd = beijing(250, 9);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        cmd.stdout = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        cmd.err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        assertEquals(0, cmd.call());
        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(250, lines.size());
        lines.forEach(RegistrationJson::parse);
        assertTrue(stderr.toString(StandardCharsets.UTF_8).startsWith("SYNTHETIC registration stream: 250 records"));
    }
}
