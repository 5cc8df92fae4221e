package dev.almanac.cli;

import dev.almanac.cli.bench.BenchCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code almanac} command line. */
@Command(name = "almanac", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Indicator observations through Kafka Streams: vintage-aware tables, derived topics, queries, replay.",
        subcommands = {DemoCommand.class, RunCommand.class, ProduceCommand.class, RegionsCommand.class, GenerateCommand.class, BenchCommand.class, SqlCommand.class,
            ReplayCommand.class, ResetCommand.class, RebuildCommand.class})
public final class Main implements Runnable {

    /** Exit code for a bad command line. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: " + spec.subcommands().keySet() + " (see --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
    public static int execute(String... args) {
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "java.lang,java.math,java.util,org.apache.avro,dev.almanac");
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("almanac: " + e.getMessage() + " (try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            PrintWriter err = c.getErr();
            if (e instanceof UserException) {
                err.println("almanac: " + e.getMessage());
                err.flush();
                return ((UserException) e).exitCode();
            }
            err.println("almanac: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (System.getenv("ALMANAC_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli.execute(args);
    }

    /** Reads the version from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"almanac " + (v == null ? "(development build)" : v) + ", Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion()};
        }
    }
}
