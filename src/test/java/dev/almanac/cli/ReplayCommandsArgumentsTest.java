package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines of replay, reset, rebuild and generate: exit code 2 before any connection. */
class ReplayCommandsArgumentsTest {

    private static final String NOWHERE = "127.0.0.1:1";

    @TempDir
    Path dir;

    @Test
    void shouldExitWithUsageWhenPacingOptionsAreCombined() throws Exception {
        Path f = Files.writeString(dir.resolve("h.jsonl"), "{}\n");
        assertEquals(2, Main.execute("replay", "--file", f.toString(), "--rate", "5/s", "--max", "--bootstrap-servers", NOWHERE));
        assertEquals(2, Main.execute("replay", "--file", f.toString(), "--rate", "fast", "--bootstrap-servers", NOWHERE));
        assertEquals(2, Main.execute("replay", "--file", f.toString(), "--speedup", "0", "--bootstrap-servers", NOWHERE));
        assertEquals(2, Main.execute("replay", "--file", f.toString(), "--from", "2025-13-01", "--bootstrap-servers", NOWHERE));
        assertEquals(2, Main.execute("replay", "--file", f.toString(), "--from", "2026-01-01", "--to", "2025-01-01", "--bootstrap-servers", NOWHERE));
    }

    @Test
    void shouldExitWithErrorWhenHistoryFileIsMissing() {
        assertEquals(1, Main.execute("replay", "--file", dir.resolve("missing.jsonl").toString(), "--bootstrap-servers", NOWHERE));
    }

    @Test
    void shouldExitWithUsageWhenRebuildArgumentsAreWrong() {
        assertEquals(2, Main.execute("rebuild", "--as-of", "someday", "--into", "audit", "--bootstrap-servers", NOWHERE));
        assertEquals(2, Main.execute("rebuild", "--as-of", "2025-07-01", "--into", "almanac", "--bootstrap-servers", NOWHERE));
        assertEquals(2, Main.execute("rebuild", "--as-of", "2025-07-01", "--into", "a/b", "--bootstrap-servers", NOWHERE));
        assertEquals(2, Main.execute("rebuild", "--as-of", "2025-07-01", "--bootstrap-servers", NOWHERE));
    }

    @Test
    void shouldExitWithUsageWhenGeneratorArgumentsAreWrong() {
        Path out = dir.resolve("h.jsonl");
        assertEquals(2, Main.execute("generate", "history", "--series", "0", "--vintages", "2", "--out", out.toString()));
        assertEquals(2, Main.execute("generate", "history", "--series", "5", "--vintages", "2", "--bad-fraction", "2", "--out", out.toString()));
        assertEquals(2, Main.execute("generate"));
        assertEquals(1, Main.execute("generate", "history", "--series", "5", "--vintages", "2", "--out", dir.resolve("no/such/dir/h.jsonl").toString()));
    }

    @Test
    void shouldWriteGzipHistoryThatReadsBackWhenOutEndsInGz() throws Exception {
        Path gz = dir.resolve("h.jsonl.gz");
        Path plain = dir.resolve("h.jsonl");
        assertEquals(0, Main.execute("generate", "history", "--series", "10", "--vintages", "2", "--seed", "9", "--out", gz.toString()));
        assertEquals(0, Main.execute("generate", "history", "--series", "10", "--vintages", "2", "--seed", "9", "--out", plain.toString()));
        assertEquals(Files.readString(plain), String.join("\n", readGzip(gz)) + "\n");
    }

    private static java.util.List<String> readGzip(Path gz) throws Exception {
        try (var r = dev.almanac.replay.HistoryFiles.open(gz)) {
            return r.lines().toList();
        }
    }
}
