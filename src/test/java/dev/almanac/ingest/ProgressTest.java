package dev.almanac.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void shouldDrawBarRateAndEtaWhenOnATerminal() {
        String line = Progress.render("replayed", 250_000, OptionalLong.of(1_000_000), 5.0, false, true, "3 bad");
        assertEquals("[######..................]  25% replayed 250,000/1,000,000 — 50,000 records/s, 5.0 s, ETA 0m15s, 3 bad", line);
    }

    @Test
    void shouldWritePlainLineWithoutBarWhenNotATerminal() {
        String line = Progress.render("sent", 500, OptionalLong.of(1000), 2.0, false, false, null);
        assertEquals("sent 500/1,000 (50%) — 250 records/s, 2.0 s, ETA 0m02s", line);
        assertEquals("sent 7 — 7 records/s, 1.0 s", Progress.render("sent", 7, OptionalLong.empty(), 1.0, true, false, null));
    }

    @Test
    void shouldPrintFinalLineWhenAlwaysAsked() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "sent", OptionalLong.of(10), false, Duration.ofHours(1));
        p.update(5);
        p.finish(10, false);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing reported before, not asked");
        p.finish(10, true);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("sent 10/10 (100%)"));
    }
}
