package dev.almanac.cli;

import dev.almanac.cli.GenerateRegistrationsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Parent of the synthetic-data generators. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes synthetic data (clearly labelled as such) for demos, tests and benchmarks.",
        subcommands = {GenerateRegistrationsCommand.class, GenerateHistoryCommand.class})
final class GenerateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to generate: " + spec.subcommands().keySet());
    }
}
