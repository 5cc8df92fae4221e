package dev.almanac.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka in a container through Testcontainers, on the local image {@code docker/build-images.sh} builds
 * ({@code almanac/kafka:4.3.1}, configured like {@code apache/kafka}; {@code -Dalmanac.kafka.image=apache/kafka:4.3.1}
 * where a registry is reachable). Tests skip, with one line saying why, where Docker cannot run them.
 */
public final class ContainerKafka {

    public static final String IMAGE = System.getProperty("almanac.kafka.image", "almanac/kafka:4.3.1");

    private ContainerKafka() {
    }

    /** Skips the calling test class, printing one line, unless Docker can run the Kafka image. */
    public static void assumeAvailable(Class<?> testClass) {
        Optional<String> why = unavailable();
        why.ifPresent(reason -> System.err.println("[skipped] " + testClass.getSimpleName() + ": " + reason));
        Assumptions.assumeTrue(why.isEmpty(), () -> why.orElse(""));
    }

    /** Why the Kafka container cannot run here, or empty when it can. */
    static Optional<String> unavailable() {
        // Testcontainers would start its resource reaper, whose image (testcontainers/ryuk) no registry here serves.
        if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            return Optional.of("TESTCONTAINERS_RYUK_DISABLED=true is not set (mvn verify sets it; the reaper image cannot be pulled here)");
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.of("no Docker engine answers (start dockerd, or run .ci/run, which does)");
        }
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            return Optional.of("image " + IMAGE + " is not built (run docker/build-images.sh kafka)");
        }
        return Optional.empty();
    }

    /**
     * A Kafka container whose port 9092 is published on a fixed free port of the host's loopback: a restarted container
     * keeps its address, so clients reconnect to the broker they knew (a dynamic port changes on restart).
     */
    public static KafkaContainer create() {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_HEAP_OPTS", "-Xms256m -Xmx512m")
                .withStartupTimeout(Duration.ofMinutes(3));
        kafka.setPortBindings(List.of("127.0.0.1:" + freePort() + ":9092"));
        return kafka;
    }

    /** Stops the container (the broker shuts down cleanly) and starts it again; returns once it answers. */
    public static void restart(KafkaContainer kafka, Duration timeout) throws InterruptedException {
        DockerClient docker = kafka.getDockerClient();
        docker.stopContainerCmd(kafka.getContainerId()).withTimeout(30).exec();
        docker.startContainerCmd(kafka.getContainerId()).exec();
        awaitBroker(kafka.getBootstrapServers(), timeout);
    }

    /** Waits until the broker at {@code bootstrap} lists its topics. */
    public static void awaitBroker(String bootstrap, Duration timeout) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    admin.listTopics().names().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the broker at " + bootstrap + " did not answer within " + timeout, e);
                    }
                }
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
