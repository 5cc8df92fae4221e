package dev.almanac.cli;

import dev.almanac.cli.bench.BenchCommand;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code almanac} command line. */
@Command(name = "almanac", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Indicator observations through Kafka Streams: vintage-aware tables, derived topics, queries, replay.",
        subcommands = {DemoCommand.class, RunCommand.class, ProduceCommand.class, RegionsCommand.class, GenerateCommand.class, BenchCommand.class, SqlCommand.class,
            ReplayCommand.class, ResetCommand.class, RebuildCommand.class, picocli.AutoComplete.GenerateCompletion.class})
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
        return execute(System.getenv(), args);
    }

    /** As {@link #execute(String...)} with the given environment (ALMANAC_* variables, ALMANAC_CONFIG). */
    static int execute(Map<String, String> env, String... args) {
        if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") == null) {
            System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "java.lang,java.math,java.util,org.apache.avro,dev.almanac");
        }
        CommandLine cli;
        try {
            cli = commandLine(env, args);
        } catch (UserException e) {
            PrintWriter err = new PrintWriter(System.err, true);
            err.println("almanac: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
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
            String kafkaRefusal = kafkaRefusal(e);
            if (kafkaRefusal != null) {
                err.println("almanac: " + kafkaRefusal);
                if (System.getenv("ALMANAC_DEBUG") != null) {
                    e.printStackTrace(err);
                }
                err.flush();
                return 1;
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

    /**
     * One line for a cluster that refuses this client (wrong credentials, TLS handshake, ACLs), whichever client met
     * it first and however it was wrapped; null for anything else. Kafka reports these as non-retriable, so the
     * command ends at once instead of retrying until a timeout.
     */
    static String kafkaRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthenticationException) {
                return "the Kafka cluster refused authentication: " + t.getMessage()
                        + " (check the security settings in --kafka-config / ALMANAC_KAFKA_CONFIG)";
            }
            if (t instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return "the Kafka cluster denied access: " + t.getMessage() + " (check the ACLs of the principal in --kafka-config)";
            }
        }
        return null;
    }

    /**
     * The command line with its settings: flags, then {@code ALMANAC_<OPTION>} variables, then the {@code --config}
     * file, then defaults (see {@link Settings}); the file is read and checked here, once.
     */
    static CommandLine commandLine(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new Main());
        Settings settings = Settings.load(args, env, Settings.keys(cli.getSubcommands().get("run").getCommandSpec(),
                cli.getSubcommands().get("demo").getCommandSpec()));
        cli.setDefaultValueProvider(settings);
        return cli;
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
