package dev.almanac.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained jar that {@code mvn package} writes, run with {@code java -jar} from an empty directory with
 * nothing else on the class path: proves the shaded services (Kafka, Avro, Jetty, log4j), the RocksDB native
 * library, the child-JVM broker and the bundled dataset all come from the jar alone.
 */
class SelfContainedJarIT {

    private static final Path JAR = Path.of("target", "almanac.jar").toAbsolutePath();

    @Test
    @Timeout(480)
    void shouldRunTheDemoFromAnEmptyDirectoryWithJavaJar(@TempDir Path empty) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "mvn package writes " + JAR);

        Result version = run(empty, 60, "--version");
        assertEquals(0, version.code, version.output);
        assertTrue(version.output.matches("(?s)almanac \\S+, Kafka 4\\.\\d+\\.\\d+\\s*"), version.output);

        int lines = Fixtures.bundledObservations().size();
        Result demo = run(empty, 400, "demo", "--once", "--fresh", "--tables", "--http-port", "0", "--schema-registry-port", "0", "--query-timeout", "120");
        assertEquals(0, demo.code, demo.output);
        assertTrue(demo.output.contains("Validation (this run): read " + lines + ", accepted " + lines + ", rejected 0"), demo.output);
        assertTrue(demo.output.matches("(?s).*registered_llm_count\\s+CN-BJ\\s+asof:2025-12-31\\s+209\\s+count.*"), demo.output);
        assertTrue(Files.isRegularFile(empty.resolve("home/data/observations.jsonl")), "the bundled dataset was unpacked from the jar");
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path dir, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("out-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ALMANAC_HOME", dir.resolve("home").toString());
        pb.environment().remove("ALMANAC_BOOTSTRAP_SERVERS");
        pb.environment().remove("ALMANAC_CONFIG");
        pb.environment().remove("ALMANAC_KAFKA_CONFIG");
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            return new Result(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
