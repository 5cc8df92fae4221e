package dev.almanac.query;

/**
 * A query that cannot be answered, with the HTTP status that describes why: 400 bad SQL or a missing
 * required predicate, 403 not read-only, 404 unknown table, 503 partitions unavailable, 504 time limit.
 * The message is meant for the user as is.
 */
public final class QueryException extends RuntimeException {

    private final int status;
    private final int line;
    private final int column;

    public QueryException(int status, String message) {
        this(status, message, 0, 0);
    }

    public QueryException(int status, String message, int line, int column) {
        super(message);
        this.status = status;
        this.line = line;
        this.column = column;
    }

    /** 400: the statement is wrong. */
    public static QueryException badRequest(String message) {
        return new QueryException(400, message);
    }

    public int status() {
        return status;
    }

    /** 1-based line of the problem in the statement, 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the problem in the statement, 0 when unknown. */
    public int column() {
        return column;
    }

    /** The first {@link QueryException} in a cause chain (Calcite wraps what table scans throw). */
    public static QueryException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof QueryException q) {
                return q;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** The first line of a message, trimmed (parsers and drivers append context on further lines). */
    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
