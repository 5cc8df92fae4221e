package dev.almanac.cli.bench;

import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.runtime.AlmanacConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A benchmark's temporary folder and, unless the user named a cluster, the fresh embedded broker in
 * it. Closing stops the broker and deletes the folder.
 */
final class BenchWorkspace implements AutoCloseable {

    private final Path dir;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private EmbeddedBroker broker;
    private String bootstrap;

    private BenchWorkspace(Path dir) {
        this.dir = dir;
    }

    static BenchWorkspace create(String name) throws IOException {
        return new BenchWorkspace(Files.createTempDirectory(name));
    }

    Path dir() {
        return dir;
    }

    /** {@code given} when present; otherwise starts (once) a fresh embedded broker in this folder. */
    String bootstrap(String given, PrintWriter out) throws IOException, InterruptedException {
        if (given != null) {
            return given;
        }
        if (bootstrap == null) {
            out.println("Starting a fresh embedded broker in " + dir + " ...");
            out.flush();
            broker = EmbeddedBroker.start(dir.resolve("broker"), true, Duration.ofSeconds(90));
            bootstrap = broker.bootstrapServers();
        }
        return bootstrap;
    }

    /**
     * {@code base} for one stage of this run: state in a folder of its own here (the state on disk reported for
     * a stage is its own), and topic prefix and application id {@code bench-<stage>-<run>}, new each run so that
     * runs against one external cluster share nothing.
     */
    AlmanacConfig config(AlmanacConfig base, String stage) {
        String name = "bench-" + stage + "-" + runId;
        return base.withStateDir(dir.resolve("state").resolve(stage)).withTopicPrefix(name).withApplicationId(name);
    }

    /** "embedded" or "external", for the figures' header line. */
    String brokerKind() {
        return broker != null ? "embedded" : "external";
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
        EmbeddedBroker.deleteTree(dir);
    }
}
