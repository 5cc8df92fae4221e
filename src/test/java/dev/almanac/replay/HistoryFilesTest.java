package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldNumberLinesAndSkipBlanksWhenFileHasBlankLines() throws IOException {
        Path f = Files.writeString(dir.resolve("h.jsonl"), "\uFEFF{\"a\":1}\n\n   \n{\"b\":2}\r\n{\"c\":3}");
        List<SourceLine> lines = read(HistoryFiles.resolve(f));
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"), lines.stream().map(SourceLine::text).toList());
        assertEquals(List.of(1L, 4L, 5L), lines.stream().map(SourceLine::number).toList());
        assertEquals(3, HistoryFiles.countLines(List.of(f)));
        assertEquals(f + ":4", lines.get(1).location());
    }

    @Test
    void shouldDecompressWhenFileStartsWithGzipMagicWhateverItsName() throws IOException {
        Path gz = dir.resolve("history.jsonl.gz");
        Path misnamed = dir.resolve("history.jsonl");
        for (Path p : List.of(gz, misnamed)) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
                out.write("{\"x\":\"北京\"}\n{\"y\":2}\n".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(List.of("{\"x\":\"北京\"}", "{\"y\":2}"), read(List.of(p)).stream().map(SourceLine::text).toList());
        }
    }

    @Test
    void shouldReadEveryFileInPathOrderWhenPathIsADirectory() throws IOException {
        Files.createDirectories(dir.resolve("2025/b"));
        Files.createDirectories(dir.resolve(".hidden"));
        Files.writeString(dir.resolve("2025/b/2.jsonl"), "{\"n\":3}\n");
        Files.writeString(dir.resolve("2025/a.jsonl"), "{\"n\":2}\n");
        Files.writeString(dir.resolve("1.jsonl"), "{\"n\":1}\n");
        Files.writeString(dir.resolve(".hidden/x.jsonl"), "{\"n\":\"hidden\"}\n");
        Files.writeString(dir.resolve(".DS_Store"), "junk\n");
        List<Path> files = HistoryFiles.resolve(dir);
        assertEquals(List.of(dir.resolve("1.jsonl"), dir.resolve("2025/a.jsonl"), dir.resolve("2025/b/2.jsonl")), files);
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), read(files).stream().map(SourceLine::text).toList());
    }

    @Test
    void shouldFailWhenPathDoesNotExist() {
        assertThrows(NoSuchFileException.class, () -> HistoryFiles.resolve(dir.resolve("missing.jsonl")));
    }

    private static List<SourceLine> read(List<Path> files) {
        List<SourceLine> out = new ArrayList<>();
        try (HistoryFiles.Lines lines = HistoryFiles.lines(files)) {
            lines.forEachRemaining(out::add);
        }
        return out;
    }
}
