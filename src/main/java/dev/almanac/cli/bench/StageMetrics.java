package dev.almanac.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What a bench stage spent its time and writes on, read from the applications' own metrics while the
 * stage runs: so that a rate comes with its cause.
 *
 * <ul>
 *   <li>stream-thread time ratios ({@code process-ratio}, {@code poll-ratio}, {@code commit-ratio},
 *       {@code punctuate-ratio}), sampled every {@link #SAMPLE} and averaged over the stage;</li>
 *   <li>records written to Kafka per input record: the sum of the streams producers'
 *       {@code record-send-total} (outputs, changelogs, repartition topics), and their
 *       {@code record-retry-total} and {@code record-error-total}, and the sends per topic
 *       ({@code producer-topic-metrics}), which name the table or store that costs the writes;</li>
 *   <li>CPU: the stream threads' CPU time (ThreadMXBean) and the embedded broker's (a child process),
 *       per input record, which the load of other processes on the machine inflates far less than
 *       wall-clock rates;</li>
 *   <li>JIT: this JVM's compiler time during the stage ({@link CompilationMXBean}), which on two cores
 *       takes a third of the machine from a stage run in a cold JVM;</li>
 *   <li>RocksDB: instances, memtable and block-cache bytes (INFO-level metrics) and state on disk.</li>
 * </ul>
 */
final class StageMetrics implements AutoCloseable {

    static final Duration SAMPLE = Duration.ofMillis(500);
    static final List<String> RATIOS = List.of("process-ratio", "poll-ratio", "commit-ratio", "punctuate-ratio");

    private final Map<String, KafkaStreams> apps;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-stage-metrics");
        t.setDaemon(true);
        return t;
    });
    /** app → ratio name → [sum, samples]. */
    private final Map<String, Map<String, double[]>> ratios = new HashMap<>();
    /** Latest CPU nanos seen per stream thread id: threads end when the stage closes its applications. */
    private final Map<Long, Long> threadCpu = new HashMap<>();
    /** CPU nanos of each stream thread when the stage started: startup and restoration are not the stage's. */
    private final Map<Long, Long> threadCpuAtStart = new HashMap<>();
    /** Stream thread name → application, from the thread-id tag of each application's thread metrics. */
    private final Map<String, String> threadApp = new HashMap<>();
    private final Map<Long, String> threadNames = new HashMap<>();
    private final long brokerCpuAtStart;
    private final long jitMillisAtStart;

    /** Starts sampling {@code apps} (name → application). */
    StageMetrics(Map<String, KafkaStreams> apps) {
        this.apps = new LinkedHashMap<>(apps);
        this.brokerCpuAtStart = childCpuNanos();
        this.jitMillisAtStart = jitMillis();
        streamThreadCpu(threadCpuAtStart);
        sampler.scheduleAtFixedRate(this::sample, SAMPLE.toMillis(), SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        for (Map.Entry<String, KafkaStreams> app : apps.entrySet()) {
            Map<String, double[]> sums = ratios.computeIfAbsent(app.getKey(), k -> new LinkedHashMap<>());
            for (Map.Entry<MetricName, ? extends Metric> m : app.getValue().metrics().entrySet()) {
                MetricName name = m.getKey();
                if ("stream-thread-metrics".equals(name.group()) && name.tags().containsKey("thread-id")) {
                    threadApp.put(name.tags().get("thread-id"), app.getKey());
                }
                if ("stream-thread-metrics".equals(name.group()) && RATIOS.contains(name.name())) {
                    Object v = m.getValue().metricValue();
                    if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
                        double[] acc = sums.computeIfAbsent(name.name(), k -> new double[2]);
                        acc[0] += d;
                        acc[1]++;
                    }
                }
            }
        }
        streamThreadCpu(threadCpu);
    }

    private void streamThreadCpu(Map<Long, Long> into) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("-StreamThread-")) {
                long cpu = threads.getThreadCpuTime(t.getId());
                if (cpu > 0) {
                    into.put(t.getId(), cpu);
                    threadNames.put(t.getId(), t.getName());
                }
            }
        }
    }

    /**
     * Stops sampling and reads the totals; call while the applications still run, after the stage's
     * last record was committed.
     */
    synchronized Result finish(long inputRecords, Path stateDir) {
        sampler.shutdownNow();
        sample();
        Map<String, AppFigures> perApp = new LinkedHashMap<>();
        for (Map.Entry<String, KafkaStreams> app : apps.entrySet()) {
            double sent = 0;
            double retries = 0;
            double errors = 0;
            double memtables = 0;
            double blockCache = 0;
            java.util.Set<String> rocksdbStores = new java.util.HashSet<>();
            Map<String, Long> byTopic = new java.util.TreeMap<>();
            for (Map.Entry<MetricName, ? extends Metric> m : app.getValue().metrics().entrySet()) {
                MetricName name = m.getKey();
                if ("producer-topic-metrics".equals(name.group()) && "record-send-total".equals(name.name())) {
                    byTopic.merge(name.tags().getOrDefault("topic", "?"), (long) value(m.getValue()), Long::sum);
                } else if ("producer-metrics".equals(name.group())) {
                    switch (name.name()) {
                        case "record-send-total" -> sent += value(m.getValue());
                        case "record-retry-total" -> retries += value(m.getValue());
                        case "record-error-total" -> errors += value(m.getValue());
                        default -> { }
                    }
                } else if ("stream-state-metrics".equals(name.group())) {
                    String store = name.tags().get("task-id") + "/" + name.tags().getOrDefault("rocksdb-state-id",
                            name.tags().getOrDefault("rocksdb-window-state-id", name.tags().getOrDefault("rocksdb-session-state-id", "")));
                    switch (name.name()) {
                        case "size-all-mem-tables" -> {
                            memtables += value(m.getValue());
                            rocksdbStores.add(store);
                        }
                        case "block-cache-usage" -> blockCache += value(m.getValue());
                        default -> { }
                    }
                }
            }
            Map<String, Double> averages = new LinkedHashMap<>();
            Map<String, double[]> sums = ratios.getOrDefault(app.getKey(), Map.of());
            for (String r : RATIOS) {
                double[] acc = sums.get(r);
                averages.put(r, acc == null || acc[1] == 0 ? Double.NaN : acc[0] / acc[1]);
            }
            perApp.put(app.getKey(), new AppFigures(averages, (long) sent, (long) retries, (long) errors,
                    rocksdbStores.size(), (long) memtables, (long) blockCache, byTopic, -1L));
        }
        long streamCpu = 0;
        Map<String, Long> cpuByApp = new HashMap<>();
        for (Map.Entry<Long, Long> t : threadCpu.entrySet()) {
            long cpu = t.getValue() - threadCpuAtStart.getOrDefault(t.getKey(), 0L);
            streamCpu += cpu;
            String app = threadApp.get(threadNames.get(t.getKey()));
            if (app != null) {
                cpuByApp.merge(app, cpu, Long::sum);
            }
        }
        perApp.replaceAll((app, f) -> f.withStreamCpu(cpuByApp.getOrDefault(app, -1L)));
        long brokerCpu = brokerCpuAtStart < 0 ? -1 : childCpuNanos() - brokerCpuAtStart;
        long jitMillis = jitMillisAtStart < 0 ? -1 : jitMillis() - jitMillisAtStart;
        return new Result(inputRecords, perApp, streamCpu, brokerCpu, jitMillis, directoryBytes(stateDir));
    }

    /** Time this JVM's JIT compiler threads have spent compiling, or -1 when the JVM does not tell. */
    static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private static double value(Metric m) {
        Object v = m.metricValue();
        return v instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0;
    }

    /** CPU time of this process's children (the embedded broker), or -1 when the platform does not tell. */
    private static long childCpuNanos() {
        long total = 0;
        boolean any = false;
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            var cpu = child.info().totalCpuDuration();
            if (cpu.isPresent()) {
                total += cpu.get().toNanos();
                any = true;
            }
        }
        return any ? total : -1;
    }

    private static long directoryBytes(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (java.io.IOException e) {
                    return 0;
                }
            }).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }

    /** One application's figures over a stage. */
    record AppFigures(Map<String, Double> ratios, long recordsSent, long retries, long errors,
                      int rocksdbStores, long memtableBytes, long blockCacheBytes, Map<String, Long> sentByTopic,
                      long streamCpuNanos) {

        AppFigures withStreamCpu(long nanos) {
            return new AppFigures(ratios, recordsSent, retries, errors, rocksdbStores, memtableBytes, blockCacheBytes, sentByTopic, nanos);
        }
    }

    /**
     * A stage's figures.
     *
     * @param streamCpuNanos CPU time of every stream thread of the stage
     * @param brokerCpuNanos CPU time of the embedded broker during the stage, -1 when unknown (external broker)
     * @param jitMillis time this JVM's JIT compiler spent during the stage, -1 when unknown
     */
    record Result(long inputRecords, Map<String, AppFigures> apps, long streamCpuNanos, long brokerCpuNanos, long jitMillis,
                  long stateBytes) {

        long recordsSent() {
            return apps.values().stream().mapToLong(AppFigures::recordsSent).sum();
        }

        double writesPerInput() {
            return (double) recordsSent() / inputRecords;
        }

        /** Microseconds of stream-thread CPU per input record. */
        double streamCpuMicrosPerRecord() {
            return streamCpuNanos / 1e3 / inputRecords;
        }

        double brokerCpuMicrosPerRecord() {
            return brokerCpuNanos < 0 ? Double.NaN : brokerCpuNanos / 1e3 / inputRecords;
        }
    }
}
