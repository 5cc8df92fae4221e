package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The registry flags fail fast, in one line, with exit code 2. */
class RegistryOptionsTest {

    private static String[] runErr(int expectedCode, String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(expectedCode, Main.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
        return err.toString(StandardCharsets.UTF_8).strip().split("\n");
    }

    @Test
    void shouldExitTwoWhenSchemaRegistryUrlIsNotHttp() {
        String[] err = runErr(2, "run", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "registry:8081");
        assertEquals(1, err.length);
        assertTrue(err[0].contains("--schema-registry-url") && err[0].contains("http://host:port"), err[0]);
        assertFalse(err[0].contains("Exception"), err[0]);
    }

    @Test
    void shouldExitTwoWhenSchemaRegistryPortIsOutOfRange() {
        String[] err = runErr(2, "run", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-port", "70000");
        assertEquals(1, err.length);
        assertTrue(err[0].contains("--schema-registry-port"), err[0]);
    }
}
