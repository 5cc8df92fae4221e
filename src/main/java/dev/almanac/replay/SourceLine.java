package dev.almanac.replay;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One non-blank line of a history file, as the bytes the file holds. A replay sends these bytes as they
 * are: decoding a line into a {@code String} and encoding it back cost more of the replay's CPU than
 * producing it, and ran interpreted for seconds whenever the compiler queue was long.
 *
 * @param file the file it comes from
 * @param number its 1-based line number in that file (blank lines count)
 * @param bytes the line without its line terminator (and without a byte order mark on line 1), as UTF-8
 */
record SourceLine(Path file, long number, byte[] bytes) {

    /** A line given as text (UTF-8 encoded). */
    SourceLine(Path file, long number, String text) {
        this(file, number, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The line as text; malformed UTF-8 decodes to replacement characters. */
    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@code file:line}, for messages. */
    public String location() {
        return file + ":" + number;
    }
}
