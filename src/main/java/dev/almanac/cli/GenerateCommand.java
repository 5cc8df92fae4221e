package dev.almanac.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Groups the synthetic data generators. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes synthetic data sets for tests, demos and benchmarks (labelled synthetic in every line).",
        subcommands = {GenerateHistoryCommand.class})
final class GenerateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a data set is required: history (see --help)");
    }
}
