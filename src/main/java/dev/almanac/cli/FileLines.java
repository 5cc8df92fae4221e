package dev.almanac.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the non-blank lines of a UTF-8 file. */
final class FileLines {

    private FileLines() {
    }

    static List<String> read(Path file) {
        try {
            return Files.readAllLines(Home.requireFile(file), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
