package dev.almanac.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * {@code almanac} in a child JVM (this test's classpath, {@code dev.almanac.cli.Main}), so a fault test
 * can signal it or {@code kill -9} it like an operator, a supervisor or the kernel would. Optionally
 * the child leads its own process group ({@code setsid}), so a signal can go to the whole group as a
 * terminal's Ctrl-C or {@code docker stop} sends it. Its output is kept in memory and in a log file.
 */
public final class ChildAlmanac implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path log;

    private ChildAlmanac(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread pump = new Thread(this::pump, "child-almanac-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code almanac args...} with {@code home} as its Almanac home.
     *
     * @param ownGroup make the child the leader of a new process group (and session)
     */
    /** Whether this machine's env(1) can reset a signal to its default (GNU coreutils 8.31 and later). */
    private static final boolean RESETS_SIGNALS = envResetsSignals();

    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static ChildAlmanac start(Path home, boolean ownGroup, List<String> args) throws IOException {
        Files.createDirectories(home);
        List<String> cmd = new ArrayList<>();
        if (ownGroup) {
            // setsid execs in place when the caller is not a group leader (a JVM's child never is): same pid.
            cmd.add("setsid");
        }
        if (RESETS_SIGNALS) {
            // A background job of a non-interactive shell (a CI script run with '&', nohup) starts with SIGINT
            // ignored, every process below inherits that, and a JVM that starts with SIGINT ignored never
            // handles it: the Ctrl-C tests would then test the harness. env execs in place: same pid.
            cmd.add("env");
            cmd.add("--default-signal=INT");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dalmanac.home=" + home);
        cmd.add("-Dalmanac.repo=" + Fixtures.repo());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.almanac.cli.Main");
        cmd.addAll(args);
        Path log = home.resolve("child-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new ChildAlmanac(p, log);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // the child is gone; what it printed is kept
        }
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Everything the child printed so far. */
    public String output() {
        return String.join("\n", lines);
    }

    /** Waits until the child printed a line matching {@code match}; fails early when it exits first. */
    public String awaitLine(Predicate<String> match, Duration timeout) {
        Awaitility.await("a matching line from child " + pid() + " (its output: " + log + ")")
                .atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (lines.stream().anyMatch(match)) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("child exited with " + process.exitValue() + " before the line; output:\n" + output());
                    }
                    return false;
                });
        return lines.stream().filter(match).findFirst().orElseThrow();
    }

    /** The last lines printed, for failure messages. */
    public String tail() {
        int n = lines.size();
        return String.join("\n", lines.subList(Math.max(0, n - 40), n));
    }

    /** Sends {@code signal} (e.g. "TERM", "INT", "KILL") to the child, or to its whole process group. */
    public void signal(String signal, boolean wholeGroup) throws IOException, InterruptedException {
        signal(signal, wholeGroup ? "-" + pid() : Long.toString(pid()));
    }

    /** Sends {@code signal} to a process ({@code "123"}) or a group ({@code "-123"}) with kill(1). */
    public static void signal(String signal, String target) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", target).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + target + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The child's descendants now (e.g. the embedded broker's JVM). */
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** Kills the child and whatever it started, without ceremony: for test cleanup. */
    @Override
    public void close() {
        List<ProcessHandle> kids = descendants();
        process.destroyForcibly();
        kids.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
