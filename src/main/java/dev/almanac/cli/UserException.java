package dev.almanac.cli;

/** A problem the user can fix (a missing file, an unreachable broker): printed as one line, no stack trace. */
public final class UserException extends RuntimeException {

    private final int exitCode;

    public UserException(String message) {
        this(message, 1);
    }

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
