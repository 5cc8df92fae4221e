package dev.almanac.replay;

/** A bad history line in a strict replay: names the file, the line number and the problem. */
public final class BadLineException extends RuntimeException {

    private final SourceLine line;

    BadLineException(SourceLine line, String problem) {
        super(line.location() + ": " + problem, null, false, false);
        this.line = line;
    }

    public SourceLine line() {
        return line;
    }
}
