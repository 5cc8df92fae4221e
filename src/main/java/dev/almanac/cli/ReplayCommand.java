package dev.almanac.cli;

import dev.almanac.ingest.Progress;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Published;
import dev.almanac.replay.BadLineException;
import dev.almanac.replay.DateWindow;
import dev.almanac.replay.HistoryFiles;
import dev.almanac.replay.Pacing;
import dev.almanac.replay.ProducerSink;
import dev.almanac.replay.ReplayResult;
import dev.almanac.replay.Replayer;
import dev.almanac.replay.ReplayTopics;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code replay}: sends a history to the input topics with event-time timestamps. */
@Command(name = "replay", header = "Replays historical observations into the input topics, each stamped with its publication time.", mixinStandardHelpOptions = true,
        description = {"Sends historical observations (and registration events: lines with model_name) to the input topics, each with its 'published' as record timestamp. PATH is a JSON Lines file, gzip-compressed or not, or a directory of such files (read recursively in name order).",
            "Bad lines (not JSON, no readable 'published') do not stop the replay: they are counted, listed at the end and sent to the raw observations topic, where the pipeline keeps them in the dead-letter topic with the reason. --strict checks every line first (also what the pipeline's validator would reject) and fails on the first bad one, naming file and line, before anything is sent.",
            "Dates are whole days in UTC: --from D starts at D 00:00Z, --to D ends at D 23:59:59.999Z (both inclusive)."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--file", required = true, paramLabel = "PATH", description = "History file (.jsonl, .jsonl.gz) or directory.")
    Path file;

    @Option(names = "--from", paramLabel = "DATE", description = "Only lines published on or after DATE (YYYY-MM-DD, YYYY-MM or ISO date-time).")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Only lines published on or before DATE (the whole day).")
    String to;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    PacingOption pacing;

    @Option(names = "--strict", description = "Fail on the first bad line (file and line number), before sending anything.")
    boolean strict;

    /** One of --rate, --speedup, --max. */
    static final class PacingOption {
        @Option(names = "--rate", paramLabel = "N/s", description = "Send N records per second, in file order (500, 500/s, 2k/s).")
        String rate;

        @Option(names = "--speedup", paramLabel = "X",
                description = "Send in order of publication, gaps between publication times divided by X (86400: a day per second). Reads the whole history into memory first.")
        Double speedup;

        @Option(names = "--max", description = "As fast as possible, in file order (the default).")
        boolean max;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Replayer.Options options;
        try {
            options = new Replayer.Options(DateWindow.of(from, to), pacing(), strict);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), Main.USAGE);
        }
        List<Path> files;
        try {
            files = HistoryFiles.resolve(file);
        } catch (NoSuchFileException e) {
            throw new UserException("file not found: " + file);
        }
        if (files.isEmpty()) {
            throw new UserException("no files in " + file);
        }
        var cluster = kafka.cluster();
        TopicCatalogue topics = TopicCatalogue.create(kafka.topicPrefix, new AvroSerdes(new LocalSchemaRegistry()));
        ReplayTopics routes = ReplayTopics.of(topics);
        ReplayResult result;
        try (ProducerSink sink = new ProducerSink(cluster, kafka.partitions, kafka.replicationFactor)) {
            ProgressListener progress = new ProgressListener();
            result = new Replayer(options, routes, sink, Replayer.Clock.SYSTEM).run(files, progress);
            progress.finish(result);
        } catch (BadLineException e) {
            throw new UserException("bad line " + e.getMessage() + " (--strict: nothing was sent)");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        print(out, result, files, routes, options, topics);
        return 0;
    }

    private Pacing pacing() {
        if (pacing == null || pacing.max) {
            return new Pacing.Max();
        }
        if (pacing.rate != null) {
            return Pacing.Rate.parse(pacing.rate);
        }
        return new Pacing.Speedup(pacing.speedup);
    }

    private void print(PrintWriter out, ReplayResult r, List<Path> files, ReplayTopics routes, Replayer.Options options, TopicCatalogue topics) {
        out.printf("replayed %s (%d file%s): %,d lines in %.2f s (%,.0f lines/s), %s%n", file, files.size(), files.size() == 1 ? "" : "s",
                r.lines(), r.seconds(), r.lines() / Math.max(r.seconds(), 1e-9), options.pacing());
        TextTable t = new TextTable(List.of("what", "lines", "to"));
        String span = r.firstPublished().isPresent()
                ? "published " + Published.format(r.firstPublished().getAsLong()) + " .. " + Published.format(r.lastPublished().getAsLong())
                : "";
        t.add(List.of("observations", String.format("%,d", r.observations()), routes.observations() + (span.isEmpty() ? "" : " (" + span + ")")));
        t.add(List.of("registration events", String.format("%,d", r.registrations()), r.registrations() > 0 ? routes.registrations() : "-"));
        if (options.window().bounded()) {
            t.add(List.of("outside --from/--to", String.format("%,d", r.outsideWindow()), "not sent"));
        }
        t.add(List.of("bad lines", String.format("%,d", r.bad()),
                r.bad() > 0 ? routes.observations() + " (kept in " + topics.rejectedObservations().name() + " with the reason)" : "-"));
        out.print(t.render());
        if (!r.badExamples().isEmpty()) {
            out.println(r.bad() > r.badExamples().size() ? "first bad lines:" : "bad lines:");
            r.badExamples().forEach(e -> out.println("  " + e));
        }
        out.flush();
    }

    /** Draws the progress bar on stderr once the line count is known. */
    private static final class ProgressListener implements Replayer.Listener {
        private Progress progress;
        private long total;

        @Override
        public void started(long totalLines) {
            total = totalLines;
            progress = new Progress(System.err, "replayed", OptionalLong.of(totalLines),
                    System.console() != null && System.getenv("CI") == null, Duration.ofSeconds(5));
        }

        @Override
        public void progress(long linesDone, long bad) {
            progress.update(linesDone, bad == 0 ? null : String.format("%,d bad", bad));
        }

        void finish(ReplayResult r) {
            if (progress != null) {
                progress.finish(r.lines(), false, r.bad() == 0 ? null : String.format("%,d bad", r.bad()));
            }
        }
    }
}
