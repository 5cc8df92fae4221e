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
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
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

    /** An iterator over the non-blank lines of several files; close it to release the open file. */
    public static final class Lines implements Iterator<SourceLine>, AutoCloseable {
        private final Iterator<Path> files;
        private Path file;
        private BufferedReader reader;
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
                        reader = open(file);
                        number = 0;
                    }
                    String line = reader.readLine();
                    if (line == null) {
                        reader.close();
                        reader = null;
                        continue;
                    }
                    number++;
                    if (number == 1 && line.startsWith("\uFEFF")) {
                        line = line.substring(1);
                    }
                    if (!line.isBlank()) {
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
}
