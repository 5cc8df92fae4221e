package dev.almanac.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.cli.Main;
import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.Rejection;
import dev.almanac.query.http.QueryClient;
import dev.almanac.testing.ChildAlmanac;
import dev.almanac.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code almanac run} started before any broker listens at its address waits, says so in one line, and
 * starts by itself once a broker appears there; a stop signal during the wait ends it at once
 * (docs/reliability.md, scenario 4).
 */
class KafkaUnavailableAtStartIT {

    @Test
    @Timeout(300)
    void shouldWaitForKafkaAndThenProcessTheBundledDataWhenTheBrokerStartsLater(@TempDir Path dir) throws Exception {
        int port = Fixtures.freePort();
        String bootstrap = "127.0.0.1:" + port;
        try (ChildAlmanac run = ChildAlmanac.start(dir.resolve("home"), false, List.of("run", "--bootstrap-servers", bootstrap,
                "--state-dir", dir.resolve("state").toString(), "--http-port", "0", "--schema-registry-port", "0",
                "--status-interval", "1"))) {
            String waiting = run.awaitLine(l -> l.startsWith("Waiting for Kafka at " + bootstrap), Duration.ofSeconds(60));
            assertTrue(waiting.contains("retrying every"), waiting);
            // Nothing else has started meanwhile: the broker's start below takes several retries' time, and the line
            // "answered after" proves the child was still waiting, not failed, when the broker came up.
            assertTrue(run.output().lines().noneMatch(l -> l.startsWith("Pipeline running")), run.tail());

            long brokerStart = System.nanoTime();
            try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"), true, Duration.ofSeconds(120), port)) {
                double brokerUp = (System.nanoTime() - brokerStart) / 1e9;
                run.awaitLine(l -> l.startsWith("Kafka at " + bootstrap + " answered after"), Duration.ofSeconds(60));
                run.awaitLine(l -> l.startsWith("Pipeline running against " + bootstrap), Duration.ofSeconds(180));
                double running = (System.nanoTime() - brokerStart) / 1e9;
                String api = run.awaitLine(l -> l.startsWith("SQL query API at "), Duration.ofSeconds(10))
                        .substring("SQL query API at ".length()).split(" ")[0];

                Path data = Fixtures.repo().resolve("data/observations.jsonl");
                assertEquals(0, Main.execute("produce", "--file", data.toString(), "--bootstrap-servers", bootstrap));
                List<String> lines = Fixtures.bundledObservations();
                long accepted = lines.stream().filter(KafkaUnavailableAtStartIT::valid).count();
                String counts = "read " + lines.size() + ", accepted " + accepted + ", rejected " + (lines.size() - accepted);
                run.awaitLine(l -> l.startsWith(counts), Duration.ofSeconds(120));

                int expectedRows = Fixtures.expectedLatest(lines).size();
                QueryClient sql = new QueryClient(api, Optional.empty());
                AtomicLong rows = new AtomicLong(-1);
                Awaitility.await("latest has " + expectedRows + " rows").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> {
                            rows.set(sql.query("SELECT COUNT(*) AS n FROM latest").path("rows").get(0).get(0).asLong());
                            return rows.get() == expectedRows;
                        });
                System.out.printf("KafkaUnavailableAtStartIT: run waited for Kafka at %s; broker answered %.1f s after it was started, "
                        + "pipeline RUNNING %.1f s after; %s; latest %d rows%n", bootstrap, brokerUp, running, counts, rows.get());
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldEndPromptlyOnSigintWhileWaitingForKafka(@TempDir Path dir) throws Exception {
        String bootstrap = "127.0.0.1:" + Fixtures.freePort();
        try (ChildAlmanac run = ChildAlmanac.start(dir.resolve("home"), false, List.of("run", "--bootstrap-servers", bootstrap,
                "--state-dir", dir.resolve("state").toString(), "--http-port", "0", "--schema-registry-port", "0"))) {
            run.awaitLine(l -> l.startsWith("Waiting for Kafka at " + bootstrap), Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            run.signal("INT", false);
            boolean ended = run.process().waitFor(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("KafkaUnavailableAtStartIT: SIGINT while waiting for Kafka: ended after %.1f s (exit %s)%n",
                    seconds, ended ? run.process().exitValue() : "none");
            // The exit status is the JVM's for a signal (130), as for any stop by Ctrl-C.
            assertTrue(ended && seconds <= 15, "run took " + seconds + " s to end; output:\n" + run.tail());
            assertTrue(run.output().lines().noneMatch(l -> l.startsWith("almanac:")), run.tail());
        }
    }

    @Test
    @Timeout(120)
    void shouldFailWithOneLineWhenKafkaDoesNotAnswerWithinTheGivenWait(@TempDir Path dir) throws Exception {
        String bootstrap = "127.0.0.1:" + Fixtures.freePort();
        try (ChildAlmanac run = ChildAlmanac.start(dir.resolve("home"), false, List.of("run", "--bootstrap-servers", bootstrap,
                "--state-dir", dir.resolve("state").toString(), "--http-port", "0", "--schema-registry-port", "0", "--kafka-wait", "6"))) {
            assertTrue(run.process().waitFor(60, TimeUnit.SECONDS), run.tail());
            assertEquals(1, run.process().exitValue(), run.tail());
            assertTrue(run.output().contains("almanac: Kafka at " + bootstrap + " did not answer within 6 s"), run.tail());
        }
    }

    private static boolean valid(String line) {
        try {
            ObservationJson.parse(line);
            return true;
        } catch (Rejection.Exception e) {
            return false;
        }
    }
}
