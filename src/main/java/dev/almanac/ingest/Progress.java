package dev.almanac.ingest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Reports progress of a long transfer at most once a second: an updating line on a terminal, plain
 * lines otherwise (logs, CI). Shows records, rate and, when the total is known, percentage and ETA.
 */
public final class Progress {

    private final PrintStream out;
    private final String what;
    private final OptionalLong total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastReportNanos = startNanos;
    private boolean reported;

    public Progress(PrintStream out, String what, OptionalLong total) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.terminal = System.console() != null && System.getenv("CI") == null;
    }

    /** Called after each record; prints when a second has passed since the last report. */
    public void update(long done) {
        long now = System.nanoTime();
        if (now - lastReportNanos >= 1_000_000_000L) {
            lastReportNanos = now;
            reported = true;
            print(done, now, false);
        }
    }

    /** Prints the final line, if anything was reported before or {@code always}. */
    public void finish(long done, boolean always) {
        if (reported || always) {
            print(done, System.nanoTime(), true);
        }
    }

    private void print(long done, long now, boolean last) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / seconds;
        StringBuilder line = new StringBuilder();
        line.append(what).append(' ').append(done);
        if (total.isPresent() && total.getAsLong() > 0) {
            long t = total.getAsLong();
            line.append('/').append(t).append(String.format(" (%.0f%%)", 100.0 * done / t));
            if (!last && rate > 0) {
                line.append(" ETA ").append(format(Duration.ofMillis((long) ((t - done) / rate * 1000))));
            }
        }
        line.append(String.format(" — %,.0f records/s, %.1f s", rate, seconds));
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
