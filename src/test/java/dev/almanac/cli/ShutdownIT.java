package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.testing.ChildAlmanac;
import dev.almanac.testing.KafkaCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping {@code demo} and {@code run} the way terminals, {@code docker stop} and supervisors do (SIGINT,
 * SIGTERM, to the process or to its whole process group) ends them within {@link #BOUND}, also when
 * the broker is already gone: nothing waits on a dead broker for the clients' default timeouts.
 */
class ShutdownIT {

    /** The promise (docs/reliability.md). */
    static final Duration BOUND = Duration.ofSeconds(15);

    @Test
    @Timeout(360)
    void shouldEndDemoWithinBoundWhenItsWholeProcessGroupGetsSigterm(@TempDir Path home) throws Exception {
        try (ChildAlmanac demo = ChildAlmanac.start(home, true,
                List.of("demo", "--fresh", "--http-port", "0", "--schema-registry-port", "0", "--query-timeout", "300"))) {
            // Signalled while it replays the bundled data: the broker dies with the group while every client is busy.
            demo.awaitLine(l -> l.startsWith("Pipeline running ("), Duration.ofSeconds(300));
            List<ProcessHandle> broker = demo.descendants();
            assertFalse(broker.isEmpty(), "the demo runs its broker in a child JVM");

            long t0 = System.nanoTime();
            demo.signal("TERM", true);
            boolean ended = demo.process().waitFor(BOUND.toSeconds() + 45, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("ShutdownIT: demo, SIGTERM to the process group: ended after %.1f s (bound %d s)%n", seconds, BOUND.toSeconds());
            assertTrue(ended && seconds <= BOUND.toSeconds(), "demo took " + seconds + " s to end; output:\n" + demo.tail());
            assertTrue(broker.stream().noneMatch(ProcessHandle::isAlive), "the broker's JVM outlived the demo");
        }
    }

    @Test
    @Timeout(300)
    void shouldEndRunWithinBoundOnSigintAfterItsBrokerIsGone(@TempDir Path home) throws Exception {
        ChildAlmanac run;
        try (KafkaCluster cluster = KafkaCluster.start(1)) {
            run = ChildAlmanac.start(home, false, List.of("run", "--bootstrap-servers", cluster.bootstrapServers(),
                    "--http-port", "0", "--schema-registry-port", "0", "--status-interval", "1", "--query-timeout", "300"));
            run.awaitLine(l -> l.startsWith("Pipeline running against"), Duration.ofSeconds(240));
        }
        try (ChildAlmanac child = run) {
            // the cluster is closed: every client in the child now talks to nobody
            long t0 = System.nanoTime();
            child.signal("INT", false);
            boolean ended = child.process().waitFor(BOUND.toSeconds() + 45, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("ShutdownIT: run, SIGINT after the broker stopped: ended after %.1f s (bound %d s)%n", seconds, BOUND.toSeconds());
            assertTrue(ended && seconds <= BOUND.toSeconds(), "run took " + seconds + " s to end; output:\n" + child.tail());
        }
    }
}
