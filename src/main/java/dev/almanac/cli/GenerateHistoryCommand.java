package dev.almanac.cli;

import dev.almanac.replay.HistoryGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code generate history}: a large synthetic observation history for replays. */
@Command(name = "history", header = "Writes a synthetic history of observations with revisions, late arrivals and bad lines.", mixinStandardHelpOptions = true,
        description = {"Writes a synthetic history of observations as JSON Lines (gzip when FILE ends in .gz): series (indicator, region) over a country > city > district hierarchy of made-up regions (XA, XA-C01, XA-C01-D01 ...), 16 reference periods each, V vintages per period (estimates then revisions), about 10% of lines arriving after newer vintages, a share of bad lines.",
            "Lines: series x 16 x vintages, plus ~0.2% duplicates and the bad lines. The same seed writes the same bytes."})
public final class GenerateHistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--series", required = true, paramLabel = "N", description = "(indicator, region) series.")
    int series;

    @Option(names = "--vintages", required = true, paramLabel = "V", description = "Publications per reference period (1 to 255).")
    int vintages;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bad-fraction", defaultValue = "0.001", paramLabel = "F",
            description = "Share of extra bad lines: not JSON, no or unreadable published, bad region, value or unit (default: ${DEFAULT-VALUE}).")
    double badFraction;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output file (.gz: gzip-compressed).")
    Path out;

    @Override
    public Integer call() throws Exception {
        HistoryGenerator.Spec s;
        try {
            s = new HistoryGenerator.Spec(series, vintages, seed, badFraction);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), Main.USAGE);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserException("no such directory: " + parent);
        }
        long t = System.nanoTime();
        HistoryGenerator.Stats stats = write(s, out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %,d lines to %s in %.1f s: %,d series x %d periods x %d vintages = %,d observations"
                        + " (%,d arriving late), %,d duplicates, %,d bad lines; published %s .. %s%n",
                stats.lines(), out, (System.nanoTime() - t) / 1e9, series, HistoryGenerator.PERIODS_PER_SERIES, vintages,
                stats.observations(), stats.late(), stats.duplicates(), stats.bad(), stats.firstPublished(), stats.lastPublished());
        o.flush();
        return 0;
    }

    /** Writes a history to {@code file}, gzip-compressed when the name ends in {@code .gz}. */
    public static HistoryGenerator.Stats write(HistoryGenerator.Spec s, Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream stream = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
             Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 20)) {
            return new HistoryGenerator(s).write(w);
        }
    }
}
