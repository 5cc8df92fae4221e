package dev.almanac.replay;

import java.nio.file.Path;

/**
 * One non-blank line of a history file.
 *
 * @param file the file it comes from
 * @param number its 1-based line number in that file (blank lines count)
 * @param text the line without its line terminator
 */
record SourceLine(Path file, long number, String text) {

    /** {@code file:line}, for messages. */
    public String location() {
        return file + ":" + number;
    }
}
