package dev.almanac.cli.bench;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every bench command takes besides the cluster options: the random seed, and where its figures are printed. */
final class BenchOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    PrintWriter out() {
        return mixee.commandLine().getOut();
    }
}
