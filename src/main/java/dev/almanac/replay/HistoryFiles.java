package dev.almanac.replay;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads history: a JSON Lines file, gzip-compressed or not, or a directory of such files. A directory
 * is read recursively, files in the order of their relative paths, hidden files skipped. Compression
 * is recognised by the gzip magic number, not the name.
 */
public final class HistoryFiles {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private HistoryFiles() {
    }

    /** The files {@code path} stands for: itself, or every regular non-hidden file below a directory. */
    public static List<Path> resolve(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file or directory");
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> noHiddenPart(path, p))
                    .sorted((a, b) -> path.relativize(a).toString().compareTo(path.relativize(b).toString()))
                    .toList();
        }
    }

    private static boolean noHiddenPart(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /** Opens a file as UTF-8 text, decompressing it when it starts with the gzip magic number. */
    public static BufferedReader open(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(openBytes(file), StandardCharsets.UTF_8), 1 << 16);
    }

    /** Opens a file's bytes, decompressing them when the file starts with the gzip magic number. */
    static InputStream openBytes(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    /** Counts the non-blank lines of {@code files}. */
    static long countLines(List<Path> files) throws IOException {
        long n = 0;
        try (Lines lines = lines(files)) {
            while (lines.hasNext()) {
                lines.next();
                n++;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return n;
    }

    /** Every non-blank line of {@code files}, in order. I/O errors surface as {@link UncheckedIOException}. */
    public static Lines lines(List<Path> files) {
        return new Lines(files);
    }

    /**
     * An iterator over the non-blank lines of several files, as bytes; close it to release the open file.
     * Lines end as {@link BufferedReader#readLine} ends them (at a line feed, a carriage return, or both),
     * and a line is blank when its text is ({@link String#isBlank}).
     */
    public static final class Lines implements Iterator<SourceLine>, AutoCloseable {
        private final Iterator<Path> files;
        private Path file;
        private LineReader reader;
        private long number;
        private SourceLine next;

        private Lines(List<Path> files) {
            this.files = files.iterator();
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    if (reader == null) {
                        if (!files.hasNext()) {
                            return false;
                        }
                        file = files.next();
                        reader = new LineReader(openBytes(file));
                        number = 0;
                    }
                    byte[] line = reader.readLine();
                    if (line == null) {
                        reader.close();
                        reader = null;
                        continue;
                    }
                    number++;
                    if (number == 1 && startsWithByteOrderMark(line)) {
                        line = Arrays.copyOfRange(line, BYTE_ORDER_MARK.length, line.length);
                    }
                    if (!blank(line)) {
                        next = new SourceLine(file, number, line);
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public SourceLine next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            SourceLine line = next;
            next = null;
            return line;
        }

        @Override
        public void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                reader = null;
            }
        }
    }

    /** U+FEFF in UTF-8. */
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private static boolean startsWithByteOrderMark(byte[] line) {
        return line.length >= BYTE_ORDER_MARK.length && Arrays.equals(line, 0, BYTE_ORDER_MARK.length, BYTE_ORDER_MARK, 0, BYTE_ORDER_MARK.length);
    }

    /** {@link String#isBlank} of the line's text, decoding it only when it holds nothing but whitespace and non-ASCII bytes. */
    public static boolean blank(byte[] line) {
        boolean nonAscii = false;
        for (byte b : line) {
            if (b < 0) {
                nonAscii = true;
            } else if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return !nonAscii || new String(line, StandardCharsets.UTF_8).isBlank();
    }

    /** Splits a byte stream into lines as {@link BufferedReader#readLine} splits text. */
    public static final class LineReader implements java.io.Closeable {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        /** The last line ended with a carriage return: a line feed right after it belongs to that ending. */
        private boolean skipLineFeed;

        public LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line without its terminator, or null at the end of the stream. */
        public byte[] readLine() throws IOException {
            byte[] partial = null;
            int partialLength = 0;
            while (true) {
                if (position >= limit && !fill()) {
                    return partial == null ? null : Arrays.copyOf(partial, partialLength);
                }
                if (skipLineFeed) {
                    skipLineFeed = false;
                    if (buffer[position] == '\n') {
                        position++;
                        continue;
                    }
                }
                int start = position;
                while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
                    position++;
                }
                int length = position - start;
                if (partial == null && position < limit) {
                    skipLineFeed = buffer[position++] == '\r';
                    return Arrays.copyOfRange(buffer, start, start + length);
                }
                if (partial == null || partialLength + length > partial.length) {
                    partial = Arrays.copyOf(partial == null ? new byte[0] : partial, Math.max(2 * (partialLength + length), 256));
                }
                System.arraycopy(buffer, start, partial, partialLength, length);
                partialLength += length;
                if (position < limit) {
                    skipLineFeed = buffer[position++] == '\r';
                    return Arrays.copyOf(partial, partialLength);
                }
            }
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer);
            if (n <= 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
