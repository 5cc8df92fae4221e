package dev.almanac.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) run from the
 * {@code kafka_2.13} artifact in a child JVM, listening on loopback on free ports. Its data lives in a
 * directory of its own ({@code logs/}, {@code server.properties}, {@code broker.log}) and survives
 * restarts unless started fresh. While it runs, its address is written to {@code address} in that
 * directory so other commands can find it.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final String bootstrapServers;

    private EmbeddedBroker(Path dir, Process process, String bootstrapServers) {
        this.dir = dir;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats the storage when needed and starts the broker; returns once it answers.
     *
     * @param dir the broker's directory
     * @param fresh delete whatever a previous run left there first
     * @param timeout how long to wait for the broker to answer
     */
    public static EmbeddedBroker start(Path dir, boolean fresh, Duration timeout) throws IOException, InterruptedException {
        return start(dir, fresh, timeout, 0);
    }

    /**
     * As {@link #start(Path, boolean, Duration)}, clients reaching the broker on {@code brokerPort} of the
     * loopback interface (0: a free port), e.g. the address a pipeline already waits on.
     */
    public static EmbeddedBroker start(Path dir, boolean fresh, Duration timeout, int brokerPort) throws IOException, InterruptedException {
        if (fresh) {
            deleteTree(dir);
        }
        Files.createDirectories(dir);
        Path logDir = dir.resolve("logs");
        if (brokerPort == 0) {
            brokerPort = freePort();
        }
        int controllerPort = freePort();
        String bootstrap = "127.0.0.1:" + brokerPort;
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + bootstrap);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("num.partitions", "4");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        // The log cleaner zeroes its whole dedupe buffer (default 128 MiB) before cleaning each log; on a
        // machine shared with the pipeline that memset was the broker's largest Java cost and evicts the
        // CPU caches the stream threads use. 16 MiB still maps ~700,000 keys per cleaning pass (a larger
        // log takes several passes), plenty for the topics of one embedded broker.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        // Under transactions v2 the first batch of a partition in a new transaction adds the partition on the
        // broker, which answers CONCURRENT_TRANSACTIONS while the previous transaction's markers are still being
        // written, retrying inside the broker for at most this long (default 100 ms). On a machine shared with the
        // pipeline the markers often take longer; the producer then gets the error, the batches behind it
        // OUT_OF_ORDER_SEQUENCE_NUMBER, and all of them are sent again after its own backoff. Waiting on the
        // broker instead costs no resend (docs/performance.md, 2026-12-03).
        props.put("add.partitions.to.txn.retry.backoff.max.ms", String.valueOf(ADD_PARTITIONS_RETRY_MAX_MS));
        // Each partition's active segment maps an offset index and a time index preallocated to this size
        // (default 10 MiB each, sparse). The kernel fills a fault on such a mapping by reading ahead, and
        // reading ahead a hole is zeroing pages: with a large read-ahead (8 MiB on the disks of the machines
        // measured) every new partition cost up to 20 MiB of memset, which was most of the broker's kernel
        // time in ./almanac bench. 1 MiB holds 87,381 time-index entries, a segment of ~340 MiB at the default
        // index.interval.bytes; a full index only rolls the segment early.
        props.put("log.index.size.max.bytes", String.valueOf(INDEX_MAX_BYTES));
        Path config = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "written by almanac for the embedded broker; regenerated on each start");
        }
        Path log = dir.resolve("broker.log");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            Process format = javaProcess(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString(), "--ignore-formatted"), log).start();
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the broker storage failed; see " + log);
            }
        }
        Process broker = javaProcess(List.of(BROKER_MAIN, config.toString()), log).start();
        EmbeddedBroker running = new EmbeddedBroker(dir, broker, bootstrap);
        try {
            running.awaitReady(timeout);
        } catch (RuntimeException | InterruptedException e) {
            running.close();
            throw e;
        }
        Files.writeString(dir.resolve("address"), bootstrap + "\n");
        return running;
    }

    /** How long the broker retries adding a partition to a transaction whose previous one is still completing. */
    static final int ADD_PARTITIONS_RETRY_MAX_MS = 2000;
    /** log.index.size.max.bytes of the embedded broker (default 10 MiB); see where it is set. */
    static final int INDEX_MAX_BYTES = 1024 * 1024;

    private static final String BROKER_MAIN = "kafka.Kafka";
    /** Extra JVM options of the broker process (a profiler agent, another heap size); later ones win over the defaults. */
    static final String JAVA_OPTS_ENV = "ALMANAC_BROKER_JAVA_OPTS";

    /** The options of {@link #JAVA_OPTS_ENV}, split at white space; none when unset or blank. */
    static List<String> jvmOptions(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    private static ProcessBuilder javaProcess(List<String> mainAndArgs, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms256m");
        cmd.add("-Xmx1g");
        cmd.add("-XX:+UseG1GC");
        if (mainAndArgs.get(0).equals(BROKER_MAIN)) {
            // The embedded broker shares the machine with the pipeline and starts with every session: in a
            // profile of ./almanac bench its JIT compilers took 43 % of its CPU, C2 most of it. Compiled by C1
            // alone its code runs somewhat slower but costs far less to compile, and its CPU per pipeline record
            // fell by a third (docs/performance.md). A long-lived broker can have C2 back with
            // ALMANAC_BROKER_JAVA_OPTS=-XX:TieredStopAtLevel=4 (the later flag wins).
            cmd.add("-XX:TieredStopAtLevel=1");
            cmd.addAll(jvmOptions(System.getenv(JAVA_OPTS_ENV)));
        }
        cmd.add("-Dlog4j2.configurationFile=" + writeLogConfig(log.getParent()));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(p)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the embedded broker exited with code " + process.exitValue()
                            + "; see " + dir.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    admin.listTopics().names().get(3, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("the embedded broker did not answer within " + timeout
                                + "; see " + dir.resolve("broker.log"));
                    }
                }
            }
        }
    }

    private static String writeLogConfig(Path dir) {
        Path f = dir.resolve("log4j2-broker.properties");
        try {
            Files.writeString(f, String.join("\n",
                    "status = error",
                    "appender.out.type = Console",
                    "appender.out.name = out",
                    "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = warn",
                    "rootLogger.appenderRef.out.ref = out",
                    "logger.server.name = kafka.server.KafkaRaftServer",
                    "logger.server.level = info",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f.toString();
    }

    /** The address clients connect to. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's directory. */
    public Path directory() {
        return dir;
    }

    /** Reads the address of a broker started from {@code dir} and still running, if any was recorded. */
    public static java.util.Optional<String> recordedAddress(Path dir) {
        try {
            Path f = dir.resolve("address");
            return Files.exists(f) ? java.util.Optional.of(Files.readString(f).trim()) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Stops the broker cleanly: SIGTERM, then a forced kill after {@link #STOP_TIMEOUT} (a controlled
     * shutdown of this single node takes a few seconds; the stop bound of {@code demo} leaves no more).
     * A pending interrupt of the caller (a stop signal) is kept for afterwards, not taken as a reason to
     * kill the broker at once.
     */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir.resolve("address"));
        } catch (IOException ignored) {
            // the address file is advisory
        }
        if (!process.isAlive()) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long {@link #close()} waits for the broker to stop by itself. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(8);

    /** Kills the broker's JVM at once (SIGKILL): the last resort when closing cannot wait any longer. */
    public void kill() {
        process.destroyForcibly();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Deletes a directory tree if it exists. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
