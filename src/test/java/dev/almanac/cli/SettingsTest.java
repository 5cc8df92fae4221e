package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where run/demo options come from: flags, then ALMANAC_* variables, then the --config file, then defaults. */
class SettingsTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("almanac.properties");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    /** The run command's configuration records after parsing, without running it. */
    private static AlmanacConfig runConfig(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        String[] argv = all.toArray(String[]::new);
        CommandLine cli = Main.commandLine(env, argv);
        cli.parseArgs(argv);
        RunCommand run = cli.getSubcommands().get("run").getCommand();
        return run.kafka.config("localhost:9092").withQueryApi(run.queryApi.config());
    }

    @Test
    void shouldTakeFlagsOverEnvironmentOverFileOverDefaults() throws Exception {
        Path f = file("# Almanac settings", "http-port = 9001", "topic-prefix=from-file", "partitions=8");
        Map<String, String> env = Map.of("ALMANAC_HTTP_PORT", "9002", "ALMANAC_TOPIC_PREFIX", "from-env");

        AlmanacConfig flags = runConfig(env, "--config", f.toString(), "--http-port", "9003");
        assertEquals(9003, flags.queryApi().httpPort());
        assertEquals("from-env", flags.topicPrefix());
        assertEquals(8, flags.partitions());

        AlmanacConfig envOverFile = runConfig(env, "--config", f.toString());
        assertEquals(9002, envOverFile.queryApi().httpPort());

        AlmanacConfig fileOnly = runConfig(Map.of("ALMANAC_CONFIG", f.toString()));
        assertEquals(9001, fileOnly.queryApi().httpPort());
        assertEquals("from-file", fileOnly.topicPrefix());

        AlmanacConfig defaults = runConfig(Map.of());
        assertEquals(8088, defaults.queryApi().httpPort());
        assertEquals("almanac", defaults.topicPrefix());
        assertEquals(4, defaults.partitions());
    }

    @Test
    void shouldTakeFromTheEnvironmentOnlyOptionsOfRunAndDemo() {
        String[] argv = {"reset", "--bootstrap-servers", "localhost:9092"};
        CommandLine cli = Main.commandLine(Map.of("ALMANAC_YES", "true", "ALMANAC_TOPIC_PREFIX", "from-env"), argv);
        cli.parseArgs(argv);
        ResetCommand reset = cli.getSubcommands().get("reset").getCommand();
        assertEquals(false, reset.yes, "a stray ALMANAC_YES must not confirm a reset");
        assertEquals("from-env", reset.kafka.topicPrefix, "shared Kafka options do come from the environment");
    }

    @Test
    void shouldPassKafkaStreamsSettingsThroughWithFlagsWinningOverTheFile() throws Exception {
        Path f = file("streams.num.stream.threads=2", "streams.statestore.cache.max.bytes=1048576", "commit-interval-ms=250");
        AlmanacConfig c = runConfig(Map.of(), "--config", f.toString(), "--streams-setting", "statestore.cache.max.bytes=0");
        assertEquals(Map.of("num.stream.threads", "2", "statestore.cache.max.bytes", "0"), c.streamsSettings());
        Properties p = Pipeline.streamsProperties(c);
        assertEquals("2", p.get("num.stream.threads"));
        assertEquals("0", p.get("statestore.cache.max.bytes"));
        assertEquals(250L, p.get("commit.interval.ms"));
    }

    @Test
    void shouldAcceptEveryKeyOfTheDistributedTemplate() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/dist/conf/almanac.properties"))) {
            // every commented-out setting, uncommented; the client file it names does not exist here
            if (line.matches("#[a-z][a-z.-]*=.*") && !line.startsWith("#kafka-config=")) {
                lines.add(line.substring(1));
            }
        }
        Path f = file(lines.toArray(String[]::new));
        AlmanacConfig c = runConfig(Map.of(), "--config", f.toString());
        assertEquals("1", c.streamsSettings().get("num.stream.threads"));
        assertEquals(8088, c.queryApi().httpPort());
    }

    @Test
    void shouldRefuseAnUnknownKeyNamingFileLineAndKey() throws Exception {
        Path f = file("http-port=9001", "", "htp-port=9002");
        Run r = execute(Map.of(), "run", "--config", f.toString());
        assertEquals(2, r.code);
        assertEquals("almanac: " + f + ":3: unknown key 'htp-port' (keys are the long options of 'almanac run' and 'almanac demo' "
                + "without dashes, e.g. http-port, or streams.<Kafka Streams setting>)", r.err.strip());
    }

    @Test
    void shouldRefuseAValueOfTheWrongTypeNamingFileLineAndKey() throws Exception {
        Path f = file("# ports", "http-port=eighty");
        Run r = execute(Map.of(), "demo", "--config", f.toString());
        assertEquals(2, r.code);
        assertEquals("almanac: " + f + ":2: http-port = 'eighty': not a whole number", r.err.strip());

        Path g = file("at-least-once=yes");
        assertEquals("almanac: " + g + ":1: at-least-once = 'yes': not a boolean (true or false)",
                execute(Map.of(), "run", "--config", g.toString()).err.strip());
    }

    @Test
    void shouldRefuseABadKafkaStreamsSettingNamingFileLineAndKey() throws Exception {
        Path f = file("streams.num.stream.threads=many");
        Run r = execute(Map.of(), "run", "--config", f.toString());
        assertEquals(2, r.code);
        assertEquals(true, r.err.startsWith("almanac: " + f + ":1: streams.num.stream.threads = 'many': "), r.err);

        Path g = file("streams.num.stream.thread=2");
        assertEquals("almanac: " + g + ":1: unknown key 'streams.num.stream.thread' ('num.stream.thread' is not a Kafka Streams setting)",
                execute(Map.of(), "run", "--config", g.toString()).err.strip());
    }

    @Test
    void shouldRefuseAMissingConfigFileWithExitTwo() {
        Path missing = dir.resolve("nope.properties");
        Run r = execute(Map.of("ALMANAC_CONFIG", missing.toString()), "run");
        assertEquals(2, r.code);
        assertEquals("almanac: --config " + missing + ": no such file", r.err.strip());
    }

    @Test
    void shouldRefuseABadDefinitionsFileNamingItsLineBeforeTouchingKafka() throws Exception {
        Path yaml = dir.resolve("my-derived.yaml");
        Files.writeString(yaml, "version: 1\ntables:\n  mine:\n    type: no_such_type\n");
        Run r = execute(Map.of(), "reset", "--yes", "--bootstrap-servers", "localhost:1", "--definitions", yaml.toString());
        assertEquals(2, r.code, r.err);
        assertEquals(true, r.err.startsWith("almanac: ") && r.err.contains(yaml.toString()) && r.err.contains("4"), r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
    }

    private record Run(int code, String err) {
    }

    private static Run execute(Map<String, String> env, String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(Main.execute(env, args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }
}
