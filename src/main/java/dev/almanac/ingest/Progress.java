package dev.almanac.ingest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Reports progress of a long transfer: on a terminal an updating progress bar (records, percentage,
 * rate, ETA), otherwise plain periodic lines (logs, CI). The total may be unknown; then there is no
 * bar, percentage or ETA.
 */
public final class Progress {

    private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final String what;
    private final OptionalLong total;
    private final boolean terminal;
    private final long intervalNanos;
    private final long startNanos = System.nanoTime();
    private long lastReportNanos = startNanos;
    private int lastLength;
    private boolean reported;

    /** Plain lines once a second when stdout is not a terminal (or {@code CI} is set), a bar otherwise. */
    public Progress(PrintStream out, String what, OptionalLong total) {
        this(out, what, total, System.console() != null && System.getenv("CI") == null, Duration.ofSeconds(1));
    }

    /**
     * @param terminal draw an updating bar (carriage returns) rather than plain lines
     * @param plainInterval how often plain lines are printed (a terminal bar is redrawn five times a second)
     */
    public Progress(PrintStream out, String what, OptionalLong total, boolean terminal, Duration plainInterval) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.intervalNanos = terminal ? TERMINAL_INTERVAL_NANOS : Math.max(1, plainInterval.toNanos());
    }

    /** Called after each record; prints when the interval has passed since the last report. */
    public void update(long done) {
        update(done, null);
    }

    /** Like {@link #update(long)}, with a short note appended to the line (e.g. "3 bad"). */
    public void update(long done, String note) {
        long now = System.nanoTime();
        if (now - lastReportNanos >= intervalNanos) {
            lastReportNanos = now;
            reported = true;
            print(done, now, false, note);
        }
    }

    /** Prints the final line, if anything was reported before or {@code always}. */
    public void finish(long done, boolean always) {
        finish(done, always, null);
    }

    /** Prints the final line with a note, if anything was reported before or {@code always}. */
    public void finish(long done, boolean always, String note) {
        if (reported || always) {
            print(done, System.nanoTime(), true, note);
        }
    }

    private void print(long done, long now, boolean last, String note) {
        String line = render(what, done, total, (now - startNanos) / 1e9, last, terminal, note);
        if (terminal) {
            int pad = Math.max(0, lastLength - line.length());
            lastLength = line.length();
            out.print("\r" + line + " ".repeat(pad) + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * One progress line: {@code [#####.......]  42% replayed 420,000/1,000,000 — 84,000 records/s, 5.0 s, ETA 0m07s}
     * (the bar only when {@code bar}; percentage and ETA only with a known total).
     */
    static String render(String what, long done, OptionalLong total, double seconds, boolean last, boolean bar, String note) {
        double elapsed = Math.max(1e-9, seconds);
        double rate = done / elapsed;
        StringBuilder line = new StringBuilder();
        boolean known = total.isPresent() && total.getAsLong() > 0;
        long t = known ? total.getAsLong() : 0;
        if (known && bar) {
            int filled = (int) Math.min(BAR_WIDTH, Math.round(BAR_WIDTH * (double) done / t));
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
            line.append(String.format("%3.0f%% ", 100.0 * done / t));
        }
        line.append(what).append(' ').append(String.format("%,d", done));
        if (known) {
            line.append('/').append(String.format("%,d", t));
            if (!bar) {
                line.append(String.format(" (%.0f%%)", 100.0 * done / t));
            }
        }
        line.append(String.format(" — %,.0f records/s, %.1f s", rate, seconds));
        if (known && !last && rate > 0 && done < t) {
            line.append(", ETA ").append(format(Duration.ofMillis((long) ((t - done) / rate * 1000))));
        }
        if (note != null && !note.isEmpty()) {
            line.append(", ").append(note);
        }
        return line.toString();
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
