package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
    void shouldSplitLinesAsBufferedReaderDoesWhenTerminatorsMixAndLinesCrossTheBuffer() throws IOException {
        // Lines longer than the 64 KiB read buffer, a carriage return and its line feed on either side of a
        // buffer boundary, lone carriage returns, and a last line without a terminator.
        String longLine = "{\"v\":\"" + "x".repeat((1 << 16) - 9) + "\"}";
        String text = longLine + "\r\n" + "{\"a\":\"北京\"}\r{\"b\":2}\r\r\n\u3000 \t\n" + "y".repeat(3 * (1 << 16)) + "\n\n{\"c\":3}";
        Path f = Files.writeString(dir.resolve("mixed.jsonl"), text);
        List<String> expected = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        try (var reader = new java.io.BufferedReader(new java.io.StringReader(text))) {
            long n = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                n++;
                if (!line.isBlank()) {
                    expected.add(line);
                    numbers.add(n);
                }
            }
        }
        List<SourceLine> lines = read(List.of(f));
        assertEquals(expected, lines.stream().map(SourceLine::text).toList());
        assertEquals(numbers, lines.stream().map(SourceLine::number).toList());
        assertEquals(List.of(1L, 2L, 3L, 6L, 8L), numbers);
    }

    @Test
    void shouldKeepTheFilesBytesWhenLineHoldsMalformedUtf8() throws IOException {
        byte[] line = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Path f = dir.resolve("bytes.jsonl");
        Files.write(f, line);
        assertArrayEquals(line, read(List.of(f)).get(0).bytes());
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
