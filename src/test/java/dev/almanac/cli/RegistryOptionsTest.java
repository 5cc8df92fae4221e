package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The registry flags fail fast, in one line, with exit code 2. */
class RegistryOptionsTest {

    private static String[] runErr(int expectedCode, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(expectedCode, run.code(), run.err());
        return run.err().strip().split("\n");
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
