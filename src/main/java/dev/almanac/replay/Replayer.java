package dev.almanac.replay;

import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.Rejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a history to the input topics: each line to the topic of its type, with its {@code published}
 * as record timestamp, paced as asked, skipping lines outside the window. Bad lines are counted and
 * sent to the raw observations topic (so the dead-letter topic keeps them with the reason); a strict
 * replay checks every line before sending anything and fails on the first bad one.
 */
public final class Replayer {

    /** Where records go; a Kafka producer in production, a list in tests. */
    public interface Sink {
        void send(String topic, byte[] value, Long timestampMillis);

        void flush();
    }

    /** Time, so that pacing can be tested without sleeping. */
    public interface Clock {
        long nanoTime();

        void sleepUntil(long deadlineNanos) throws InterruptedException;

        /** The system clock. */
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepUntil(long deadlineNanos) throws InterruptedException {
                long left;
                while ((left = deadlineNanos - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(left);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            }
        };
    }

    /** Told how many lines there are, then after each line. */
    public interface Listener {
        void started(long totalLines);

        void progress(long linesDone, long bad);

        Listener NONE = new Listener() {
            @Override
            public void started(long totalLines) {
            }

            @Override
            public void progress(long linesDone, long bad) {
            }
        };
    }

    /**
     * @param window publication times to send
     * @param pacing how fast
     * @param strict fail on the first bad line, checking every line before sending anything
     */
    public record Options(DateWindow window, Pacing pacing, boolean strict) {
    }

    private static final int BAD_EXAMPLES = 5;

    private final Options options;
    private final ReplayTopics routes;
    private final Sink sink;
    private final Clock clock;

    public Replayer(Options options, ReplayTopics routes, Sink sink, Clock clock) {
        this.options = options;
        this.routes = routes;
        this.sink = sink;
        this.clock = clock;
    }

    /**
     * Replays {@code files} (see {@link HistoryFiles#resolve}).
     *
     * @throws BadLineException in a strict replay, before anything is sent
     */
    public ReplayResult run(List<Path> files, Listener listener) throws IOException, InterruptedException {
        try {
            long total = options.strict() ? check(files) : HistoryFiles.countLines(files);
            listener.started(total);
            return options.pacing().ordersByPublished() ? sendOrdered(files, listener) : sendInFileOrder(files, listener);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Checks every line as the pipeline would; returns the line count. */
    private long check(List<Path> files) {
        long n = 0;
        try (HistoryFiles.Lines lines = HistoryFiles.lines(files)) {
            while (lines.hasNext()) {
                ReplayLine line = ReplayLine.classify(lines.next());
                n++;
                if (line.bad()) {
                    throw new BadLineException(line.source(), line.problem());
                }
                if (line.kind() == ReplayLine.Kind.OBSERVATION && options.window().contains(line.published())) {
                    try {
                        ObservationJson.parse(line.source().text());
                    } catch (Rejection.Exception e) {
                        throw new BadLineException(line.source(), e.getMessage());
                    }
                }
            }
        }
        return n;
    }

    private ReplayResult sendInFileOrder(List<Path> files, Listener listener) throws InterruptedException {
        Counter c = new Counter(clock.nanoTime());
        try (HistoryFiles.Lines lines = HistoryFiles.lines(files)) {
            while (lines.hasNext()) {
                c.handle(ReplayLine.classify(lines.next()));
                listener.progress(c.lines, c.bad);
            }
        }
        return c.finish();
    }

    private ReplayResult sendOrdered(List<Path> files, Listener listener) throws InterruptedException {
        List<ReplayLine> all = new ArrayList<>();
        long outside = 0;
        try (HistoryFiles.Lines lines = HistoryFiles.lines(files)) {
            while (lines.hasNext()) {
                ReplayLine line = ReplayLine.classify(lines.next());
                if (line.bad() || options.window().contains(line.published())) {
                    all.add(line);
                } else {
                    outside++;
                }
            }
        }
        // Stable: lines published at the same time keep their file order; bad lines (no time) go first.
        all.sort(Comparator.comparingLong(ReplayLine::published));
        Counter c = new Counter(clock.nanoTime());
        c.outside = outside;
        c.lines = outside;
        for (ReplayLine line : all) {
            c.handle(line);
            listener.progress(c.lines, c.bad);
        }
        return c.finish();
    }

    /** The sending loop's state. */
    private final class Counter {
        final long start;
        long lines;
        long observations;
        long registrations;
        long outside;
        long bad;
        long index;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        final List<String> examples = new ArrayList<>();

        Counter(long start) {
            this.start = start;
        }

        void handle(ReplayLine line) throws InterruptedException {
            lines++;
            byte[] bytes = line.source().bytes();
            if (line.bad()) {
                bad++;
                if (examples.size() < BAD_EXAMPLES) {
                    examples.add(line.source().location() + ": " + line.problem());
                }
                sink.send(routes.observations(), bytes, null);
                return;
            }
            if (!options.window().contains(line.published())) {
                outside++;
                return;
            }
            long due = options.pacing().dueNanos(index, line.published(), first == Long.MAX_VALUE ? line.published() : first);
            if (due > 0 && clock.nanoTime() - start < due) {
                clock.sleepUntil(start + due);
            }
            sink.send(routes.topic(line.kind()), bytes, line.published());
            index++;
            first = Math.min(first, line.published());
            last = Math.max(last, line.published());
            if (line.kind() == ReplayLine.Kind.REGISTRATION) {
                registrations++;
            } else {
                observations++;
            }
        }

        ReplayResult finish() {
            sink.flush();
            return new ReplayResult(lines, observations, registrations, outside, bad, List.copyOf(examples),
                    index == 0 ? OptionalLong.empty() : OptionalLong.of(first),
                    index == 0 ? OptionalLong.empty() : OptionalLong.of(last), clock.nanoTime() - start);
        }
    }
}
