package dev.almanac.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Node project under src/test/node, copied to target/ and installed there with {@code npm ci} from its
 * lock file, for interoperability tests with clients Almanac did not write. {@code -Dalmanac.node} and
 * {@code -Dalmanac.npm} point at other executables.
 */
public final class NodeProject {

    private static final String NODE = System.getProperty("almanac.node", "node");

    private NodeProject() {
    }

    /** Whether node and npm run here. */
    public static boolean available() {
        return works(NODE, "--version") && works(npm(), "--version");
    }

    /** Copies {@code src/test/node/<name>} to {@code target/node-<name>} and installs its locked dependencies. */
    public static Path install(String name, List<String> files) throws Exception {
        return install(Path.of("src", "test", "node", name), "node-" + name, files);
    }

    /** Copies {@code files} from the project in {@code source} to {@code target/<work>} and installs its locked dependencies there. */
    public static Path install(Path source, String workName, List<String> files) throws Exception {
        Path work = Path.of("target", workName).toAbsolutePath();
        Files.createDirectories(work);
        for (String file : files) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Process p = start(work, Map.of(), "npm-ci.log", npm(), "ci", "--no-audit", "--no-fund");
        finish(p, work.resolve("npm-ci.log"), 300);
        return work;
    }

    /** Starts {@code node script} in {@code dir} with {@code env}, its output going to {@code <script>.log}. */
    public static Process node(Path dir, Map<String, String> env, String script) throws IOException {
        return start(dir, env, script + ".log", NODE, script);
    }

    private static Process start(Path dir, Map<String, String> env, String log, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Waits for a process to exit 0 within {@code seconds}; fails with the tail of its log otherwise. */
    public static void finish(Process process, Path log, int seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(process.info().commandLine().orElse("process") + " did not finish in " + seconds + " s:\n" + tail(log.toFile()));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(process.info().commandLine().orElse("process") + " exited " + process.exitValue() + ":\n" + tail(log.toFile()));
        }
    }

    public static String tail(File log) throws IOException {
        if (!log.exists()) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log.toPath());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String npm() {
        return System.getProperty("almanac.npm", System.getProperty("os.name").toLowerCase().contains("win") ? "npm.cmd" : "npm");
    }
}
