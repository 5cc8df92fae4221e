package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code almanac demo --once} end to end: the embedded child-JVM broker, the pipeline, the bundled data. */
class DemoIT {

    @Test
    @Timeout(420)
    void shouldPrintTablesThenASummaryWhenDemoRunsOnce(@TempDir Path home) throws Exception {
        System.setProperty("almanac.home", home.toString());
        System.setProperty("almanac.repo", Fixtures.repo().toString());
        int lines = Fixtures.bundledObservations().size();
        String first = runDemo("--fresh", "--tables");
        assertTrue(first.contains("Validation (this run): read " + lines + ", accepted " + lines + ", rejected 0"), first);
        assertTrue(first.contains("Latest table: "), first);
        assertTrue(first.matches("(?s).*registered_llm_count\\s+CN-BJ\\s+asof:2025-12-31\\s+209\\s+count.*"), first);
        assertTrue(first.matches("(?s).*gdp\\s+CN-BJ\\s+2025\\s+5.2073万亿\\s+CNY\\s+exact\\s+2026-01-26.*"), first);
        assertTrue(Files.exists(home.resolve("broker/logs/meta.properties")));
        assertTrue(Files.notExists(home.resolve("broker/address")), "the address file goes with the broker");

        String second = runDemo();
        // Kept for reading: the README's sample of the demo's output comes from here.
        Files.writeString(Path.of("target", "demo-summary.txt"), second, StandardCharsets.UTF_8);
        assertTrue(second.contains("Validation (all runs on this broker): read " + 2 * lines), "the broker's data was reused:\n" + second);
        long keys = Fixtures.bundledObservations().stream()
                .map(l -> dev.almanac.observation.ObservationJson.parse(l.getBytes(StandardCharsets.UTF_8)))
                .map(o -> o.getIndicator() + "|" + o.getRegion() + "|" + o.getPeriod()).distinct().count();
        assertTrue(second.contains("latest " + keys + " · current "), "a summary, not the tables:\n" + second);
        assertTrue(!second.contains("Latest table: "), second);
        assertTrue(second.contains("Largest share: CN-SH-PD of CN-SH, gdp 2025: ~33.2 % (estimate)"), second);
        assertTrue(second.contains("Most revised gdp figure: CN-BJ 2025, 5万亿 → 52073.4亿 → 5.2073万亿 CNY"), second);
        assertTrue(second.contains("Registrations: CN-BJ reported 132 → 183 → 209 (registered_llm_count), counted 132 → 183 → 209 (consistent)"), second);
        assertTrue(second.matches("(?s).*Dashboard: http://127\\.0\\.0\\.1:\\d+/ .*"), second);
    }

    private static String runDemo(String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "demo";
        args[1] = "--once";
        System.arraycopy(extra, 0, args, 2, extra.length);
        CliRun run = CliRun.of(args);
        assertEquals(0, run.code(), run.out() + run.err());
        return run.out();
    }
}
