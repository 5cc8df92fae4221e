package dev.almanac.cli.bench;

import dev.almanac.cli.RegionsCommand;
import dev.almanac.cli.KafkaOptions;
import dev.almanac.cli.Main;
import dev.almanac.cli.TextTable;
import dev.almanac.cli.UserException;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.runtime.Waiting;
import dev.almanac.runtime.TopicAdmin;
import dev.almanac.ingest.RawProducer;
import dev.almanac.ingest.SyntheticObservations;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the pipeline's throughput against the raw consumer rate on the same broker in the same
 * run: the ratios are the figures that travel between machines.
 */
@Command(name = "bench", header = "Measures the foundation and the full pipeline next to a plain consumer on the same broker.", mixinStandardHelpOptions = true, subcommands = {QueryBenchCommand.class, BenchReplayCommand.class},
        description = {"Benchmarks, on the same broker in the same run: a plain consumer (the baseline), the",
            "foundation (validation + latest + current) and the full pipeline (foundation + every derived table).",
            "Starts a fresh embedded broker in a temporary folder unless --bootstrap-servers is given.",
            "'bench replay': replay end to end and state restore (see 'bench replay --help')."})
public final class BenchCommand implements Callable<Integer> {

    private static final int DISTRICTS = 500;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    BenchOptions bench;

    @Option(names = "--events", paramLabel = "N", defaultValue = "200000", description = "Synthetic observations (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "100000",
            description = {"Observations run through the stages once, on their own topics, before the measured runs, so that the",
                "JIT compiler has compiled the code they run (default: ${DEFAULT-VALUE}; 0 measures a cold JVM). The warm-up's",
                "rates are printed in their own rows."})
    long warmUp;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = {"Measure the foundation and the full pipeline N times, each on new topics with the same input, and print",
                "the median next to every run (default: ${DEFAULT-VALUE}). On two shared cores one run's rate moves by a",
                "sixth from the next; compare medians."})
    int repeat;

    @Option(names = "--foundation-only", description = "Skip the full-pipeline stage.")
    boolean foundationOnly;

    @Option(names = "--long-series", paramLabel = "SERIES", arity = "0..1", fallbackValue = "200",
            description = {"Few long series instead of many short ones: SERIES monthly series (default when given: ${FALLBACK-VALUE})",
                "sharing the events, 4 vintages a month (200 series x 1,000 observations with --events 200000)."})
    Integer longSeries;

    /** The derived tables measured: --definitions FILE, or the bundled ones. */
    private DerivedDefinitions definitions;

    @Override
    public Integer call() throws Exception {
        definitions = kafka.definitions();
        if (events < 1) {
            throw new UserException("--events must be at least 1", Main.USAGE);
        }
        if (longSeries != null && longSeries < 1) {
            throw new UserException("--long-series must be at least 1", Main.USAGE);
        }
        if (repeat < 1) {
            throw new UserException("--repeat must be at least 1", Main.USAGE);
        }
        if (warmUp < 0) {
            throw new UserException("--warm-up must be 0 or more", Main.USAGE);
        }
        PrintWriter out = bench.out();
        try (BenchWorkspace workspace = BenchWorkspace.create("almanac-bench")) {
            String bootstrap = workspace.bootstrap(kafka.bootstrapServers(), out);
            AlmanacConfig base = kafka.config(bootstrap);
            AvroSerdes serdes = new AvroSerdes(new LocalSchemaRegistry());

            // A warm-up on its own topics first: the JIT compiler otherwise spends a third of both cores
            // compiling during the measured stages, while the baseline consumer is timed warm.
            Stage coldFoundation = null;
            Stage coldRun = null;
            if (warmUp > 0) {
                out.printf("warm-up: %s on %,d other observations, not measured ...%n",
                        foundationOnly ? "foundation" : "foundation, then full pipeline,", warmUp);
                out.flush();
                // The same stages in the same order as measured below: the JIT compiler recompiles the code the
                // stages share (stores, record collector) as each new stage changes its type profiles.
                AlmanacConfig warmFoundation = workspace.config(base, "wf");
                coldFoundation = foundation(bootstrap, warmFoundation, serdes, warmUp, bench.seed + 1);
                for (Reference r : Reference.of(false)) {
                    reference(bootstrap, workspace.config(base, "w" + r.stage), rawTopic(warmFoundation, serdes), r, warmUp);
                }
                if (!foundationOnly) {
                    AlmanacConfig warmPipeline = workspace.config(base, "wp");
                    coldRun = fullPipeline(bootstrap, warmPipeline, serdes, warmUp, bench.seed + 1);
                    for (Reference r : Reference.of(true)) {
                        reference(bootstrap, workspace.config(base, "w" + r.stage), rawTopic(warmPipeline, serdes), r, warmUp);
                    }
                }
                out.printf("warm-up done; the JIT compiler settled %.1f s after it%n", awaitCompilerIdle());
                out.flush();
            }

            AlmanacConfig foundationConfig = workspace.config(base, "f");
            TopicCatalogue foundationTopics = TopicCatalogue.create(foundationConfig.topicPrefix(), serdes);
            double produceRate = produce(bootstrap, foundationConfig, foundationTopics, null, events, bench.seed);
            out.printf("produced %,d observations (%,.0f records/s)%n", events, produceRate);
            out.flush();

            // The producer's code was compiled just now: time the baseline once the compiler is idle again.
            awaitCompilerIdle();
            Baseline.Rate baseline = Baseline.rawConsumerRate(bootstrap, foundationTopics.rawObservations().name(), events);
            double consumeRate = baseline.median();
            out.printf("raw consumer: %s%n", baseline.describe());
            out.flush();

            // Each further run has topics and applications of its own, fed the same observations; the raw
            // consumer's rate, read once, stays the baseline of every run.
            // Each stage is followed by the minimal applications it is compared with, on the same input topic.
            List<Stage> foundations = new ArrayList<>();
            List<Stage> fulls = new ArrayList<>();
            Map<Reference, List<Stage>> references = new EnumMap<>(Reference.class);
            for (int run = 1; run <= repeat; run++) {
                AlmanacConfig fc = run == 1 ? foundationConfig : workspace.config(base, "f" + run);
                Stage f = run == 1 ? foundation(bootstrap, foundationConfig, foundationTopics, events)
                        : foundation(bootstrap, fc, serdes, events, bench.seed);
                foundations.add(f);
                out.printf("foundation%s: %,.0f records/s%n", runLabel(run), f.rate());
                out.flush();
                references(bootstrap, workspace, base, out, rawTopic(fc, serdes), false, run, references);
                if (!foundationOnly) {
                    AlmanacConfig pc = workspace.config(base, run == 1 ? "p" : "p" + run);
                    Stage p = fullPipeline(bootstrap, pc, serdes, events, bench.seed);
                    fulls.add(p);
                    out.printf("full pipeline%s: %,.0f records/s (foundation done after %.2f s, derived tables %.2f s later)%n", runLabel(run), p.rate(),
                            seconds(p.settled().foundation()), seconds(p.settled().all().minus(p.settled().foundation())));
                    out.flush();
                    references(bootstrap, workspace, base, out, rawTopic(pc, serdes), true, run, references);
                }
            }
            Stage foundation = foundations.get(0);
            double foundationRate = median(foundations);

            out.printf("%nalmanac bench: %,d synthetic observations %s, %d partitions, %s, %s broker, %d cores%n",
                    events, shape(), base.partitions(), base.exactlyOnce() ? "exactly_once_v2" : "at_least_once",
                    workspace.brokerKind(), Runtime.getRuntime().availableProcessors());
            if (!foundationOnly) {
                out.printf("derived tables (%s): %s%n", definitions.source(),
                        String.join(", ", definitions.tables().stream().map(t -> t.name()).toList()));
            }
            TextTable table = new TextTable(List.of("stage", "records/s", "ratio to raw consumer", "ratio to foundation",
                    "Kafka writes per input", "stream CPU µs/record", "broker CPU µs/record", "JIT compiler ms/1k records"));
            table.add(List.of("produce (JSON lines, acks=all)", rate(produceRate), ratio(produceRate, consumeRate), "", "", "", "", ""));
            table.add(List.of("raw consumer (baseline)", rate(consumeRate), "1.000", "", "", "", "", ""));
            if (coldFoundation != null) {
                table.add(stageRow(String.format("warm-up, cold JVM: foundation (%,d records)", warmUp),
                        coldFoundation.rate(), consumeRate, foundationRate, coldFoundation.figures()));
            }
            if (coldRun != null) {
                table.add(stageRow(String.format("warm-up: full pipeline (%,d records)", warmUp),
                        coldRun.rate(), consumeRate, foundationRate, coldRun.figures()));
            }
            for (int run = 1; run <= repeat; run++) {
                table.add(stageRow("foundation: validation + latest + current" + runLabel(run), foundations.get(run - 1).rate(),
                        consumeRate, foundationRate, foundations.get(run - 1).figures()));
            }
            for (int run = 1; run <= fulls.size(); run++) {
                table.add(stageRow("full pipeline: foundation + all derived tables" + runLabel(run), fulls.get(run - 1).rate(),
                        consumeRate, foundationRate, fulls.get(run - 1).figures()));
            }
            for (Map.Entry<Reference, List<Stage>> r : references.entrySet()) {
                for (int run = 1; run <= r.getValue().size(); run++) {
                    table.add(stageRow(r.getKey().label + runLabel(run), r.getValue().get(run - 1).rate(),
                            consumeRate, foundationRate, r.getValue().get(run - 1).figures()));
                }
            }
            if (repeat > 1) {
                table.add(medianRow(String.format("foundation: median of %d runs", repeat), foundationRate, consumeRate, foundationRate));
                if (!fulls.isEmpty()) {
                    table.add(medianRow(String.format("full pipeline: median of %d runs", repeat), median(fulls), consumeRate, foundationRate));
                }
                for (Map.Entry<Reference, List<Stage>> r : references.entrySet()) {
                    table.add(medianRow(String.format("%s: median of %d runs", r.getKey().label, repeat), median(r.getValue()), consumeRate, foundationRate));
                }
            }
            out.print(table.render());
            out.println("(a stage's time runs from its applications reaching RUNNING until every input record is processed and committed;"
                    + " the consumer reads with assign(), without a group, in at least 5 passes and 2 s, not waiting at the end of the topic, and its median pass is the baseline;"
                    + " writes: records sent by the stage's producers (outputs, changelogs, repartition topics) per input record;"
                    + " CPU: stream threads, and the embedded broker process, per input record;"
                    + " JIT: this JVM's compiler time during the stage; the measured stages run after a warm-up unless --warm-up 0"
                    + (repeat > 1 ? "; ratio to foundation: to the foundation's median)" : ")"));
            out.println();
            out.println("against the minimal Kafka Streams application (the yardstick of the throughput targets; same broker and input"
                    + (repeat > 1 ? ", medians" : "") + "):");
            for (Map.Entry<Reference, List<Stage>> r : references.entrySet()) {
                double almanac = r.getKey().twoTables ? median(fulls) : foundationRate;
                out.printf("  %-13s / %-52s %.2f%n", r.getKey().twoTables ? "full pipeline" : "foundation", r.getKey().label + ":",
                        almanac / median(r.getValue()));
            }
            if (!fulls.isEmpty()) {
                // The derived tables read the foundation's committed output, so they finish after it: what they still
                // had to do then (their backlog, and the commits their own repartition topics wait for) is the part of
                // the full pipeline's time the foundation does not explain.
                out.println();
                out.println("full pipeline: when each application was done, seconds after the stage's start:");
                for (int run = 1; run <= fulls.size(); run++) {
                    Pipeline.Settled s = fulls.get(run - 1).settled();
                    double all = seconds(s.all());
                    double derivedAfter = all - seconds(s.foundation());
                    out.printf("  run %d: foundation %.2f s, derived tables %.2f s (%.2f s after the foundation, %.0f %% of the stage)%n",
                            run, seconds(s.foundation()), all, derivedAfter, 100 * derivedAfter / all);
                }
            }
            out.println();
            TextTable threads = new TextTable(List.of("stage / application", "process-ratio", "poll-ratio", "commit-ratio", "punctuate-ratio",
                    "stream CPU µs/record", "records sent", "send retries", "send errors", "RocksDB stores", "memtables MB", "block cache MB", "state on disk MB"));
            for (int run = 1; run <= repeat; run++) {
                threadRows(threads, "foundation" + runLabel(run), foundations.get(run - 1).figures());
                if (!fulls.isEmpty()) {
                    threadRows(threads, "full pipeline" + runLabel(run), fulls.get(run - 1).figures());
                }
                for (Map.Entry<Reference, List<Stage>> r : references.entrySet()) {
                    if (run <= r.getValue().size()) {
                        threadRows(threads, r.getKey().label + runLabel(run), r.getValue().get(run - 1).figures());
                    }
                }
            }
            out.print(threads.render());
            out.println("(stream-thread time ratios sampled every " + StageMetrics.SAMPLE.toMillis() + " ms and averaged over the stage;"
                    + " RocksDB figures at the end of the stage; state on disk: the stage's whole state directory)");
            out.println();
            TextTable writes = new TextTable(List.of("stage / application", "topic written", "records", "per input record"));
            // The records each topic gets hardly move between runs: the first run's stand for all.
            topicRows(writes, "foundation", foundation.figures());
            if (!fulls.isEmpty()) {
                topicRows(writes, "full pipeline", fulls.get(0).figures());
            }
            for (Map.Entry<Reference, List<Stage>> r : references.entrySet()) {
                topicRows(writes, r.getKey().label, r.getValue().get(0).figures());
            }
            out.print(writes.render());
            out.println("(records sent per topic by each application's producers, from producer-topic-metrics record-send-total;"
                    + " -changelog topics are state stores' changelogs, -repartition and -topic ones Kafka Streams' internal topics)");
            out.flush();
            return 0;
        }
    }

    /**
     * Waits (at most 30 s) until this JVM's JIT compiler has been idle for a second: compilations queued
     * during the warm-up would otherwise run during the measured stages, on the same two cores.
     * Returns the seconds waited.
     */
    private static double awaitCompilerIdle() throws InterruptedException {
        long start = System.nanoTime();
        long before = StageMetrics.jitMillis();
        if (before < 0) {
            return 0;
        }
        while (System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(1000);
            long now = StageMetrics.jitMillis();
            if (now - before < 20) {
                break;
            }
            before = now;
        }
        return Baseline.secondsSince(start);
    }

    /**
     * The minimal applications each stage is compared with ({@link ReferenceApp}): the foundation with the one
     * that keeps one table, the full pipeline with the one that keeps two. Each runs twice: with Kafka Streams'
     * defaults, as a plain application is written (the yardstick the targets were set against), and with
     * Almanac's own Streams settings, which leaves the topology as the only difference.
     */
    private enum Reference {
        ONE_PLAIN("m", "minimal app, one table, Kafka Streams defaults", false, false),
        ONE_TUNED("mt", "minimal app, one table, Almanac's Streams settings", false, true),
        TWO_PLAIN("n", "minimal app, two tables, Kafka Streams defaults", true, false),
        TWO_TUNED("nt", "minimal app, two tables, Almanac's Streams settings", true, true);

        final String stage;
        final String label;
        final boolean twoTables;
        final boolean almanacSettings;

        Reference(String stage, String label, boolean twoTables, boolean almanacSettings) {
            this.stage = stage;
            this.label = label;
            this.twoTables = twoTables;
            this.almanacSettings = almanacSettings;
        }

        static List<Reference> of(boolean twoTables) {
            return Arrays.stream(values()).filter(r -> r.twoTables == twoTables).toList();
        }
    }

    /** Runs the minimal applications compared with one stage on its input topic; adds and prints their figures. */
    private void references(String bootstrap, BenchWorkspace workspace, AlmanacConfig base, PrintWriter out, String rawTopic,
                            boolean twoTables, int run, Map<Reference, List<Stage>> into) throws Exception {
        for (Reference r : Reference.of(twoTables)) {
            Stage stage = reference(bootstrap, workspace.config(base, r.stage + run), rawTopic, r, events);
            into.computeIfAbsent(r, k -> new ArrayList<>()).add(stage);
            out.printf("%s%s: %,.0f records/s%n", r.label, runLabel(run), stage.rate());
            out.flush();
        }
    }

    /** A stage's rate and what it spent; {@code settled} only for the full pipeline (two applications), null otherwise. */
    private record Stage(double rate, StageMetrics.Result figures, Pipeline.Settled settled) {
    }

    private Stage foundation(String bootstrap, AlmanacConfig config, AvroSerdes serdes, long count, long seed) throws Exception {
        TopicCatalogue topics = TopicCatalogue.create(config.topicPrefix(), serdes);
        produce(bootstrap, config, topics, null, count, seed);
        return foundation(bootstrap, config, topics, count);
    }

    /** Runs the foundation alone over the {@code count} observations already in its input topic. */
    private static Stage foundation(String bootstrap, AlmanacConfig config, TopicCatalogue topics, long count) throws Exception {
        return alone(bootstrap, config, Pipeline.topology(topics), Pipeline.streamsProperties(config), "foundation", count);
    }

    /** Runs one application of {@code topology} until it has processed its input, {@code count} records. */
    private static Stage alone(String bootstrap, AlmanacConfig config, Topology topology, Properties settings, String app, long count)
            throws Exception {
        try (KafkaStreams streams = new KafkaStreams(topology, settings);
             CaughtUpCheck settle = new CaughtUpCheck(bootstrap)) {
            streams.start();
            awaitRunning(streams);
            try (StageMetrics metrics = new StageMetrics(Map.of(app, streams))) {
                long t = System.nanoTime();
                settle.await(config.applicationId(), CaughtUpCheck.sourceTopics(topology), Duration.ofMinutes(30));
                double rate = count / Baseline.secondsSince(t);
                return new Stage(rate, metrics.finish(count, config.stateDir().resolve(config.applicationId())), null);
            }
        }
    }

    /** The raw observations topic of a stage's config. */
    private static String rawTopic(AlmanacConfig config, AvroSerdes serdes) {
        return TopicCatalogue.create(config.topicPrefix(), serdes).rawObservations().name();
    }

    /** Runs the minimal application ({@link ReferenceApp}) over the {@code count} observations already in {@code rawTopic}. */
    private static Stage reference(String bootstrap, AlmanacConfig config, String rawTopic, Reference r, long count) throws Exception {
        try (Admin admin = TopicAdmin.admin(bootstrap)) {
            TopicAdmin.ensureTopics(admin, ReferenceApp.outputTopics(config.topicPrefix(), r.twoTables), config.partitions(), config.replicationFactor());
        }
        return alone(bootstrap, config, ReferenceApp.topology(rawTopic, config.topicPrefix(), r.twoTables),
                r.almanacSettings ? Pipeline.streamsProperties(config) : plainSettings(config), "minimal", count);
    }

    /**
     * Kafka Streams' defaults, with only what an application must set: its id, the cluster (and the operator's
     * client settings), the processing guarantee, where its state lives, its serdes and names, and reading
     * from the beginning. Under at-least-once also a commit every 100 ms, Kafka Streams' default under
     * exactly-once: a stage is timed until its input is committed, and the at-least-once default of 30 s would
     * time that wait (6,742 records/s against 43,831 under exactly-once, 2026-12-03 20:52-20:55).
     */
    private static Properties plainSettings(AlmanacConfig config) {
        Properties almanac = Pipeline.streamsProperties(config);
        Properties p = config.kafka().properties();
        for (String key : List.of(StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.STATE_DIR_CONFIG, StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG))) {
            p.put(key, almanac.get(key));
        }
        if (!config.exactlyOnce()) {
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        }
        return p;
    }

    /** Produces {@code count} observations and runs the foundation and every derived table over them. */
    private Stage fullPipeline(String bootstrap, AlmanacConfig config, AvroSerdes serdes, long count, long seed) throws Exception {
        TopicCatalogue topics = TopicCatalogue.create(config.topicPrefix(), serdes);
        try (Pipeline pipeline = new Pipeline(config, topics, definitions)) {
            produce(bootstrap, config, topics, pipeline, count, seed);
            pipeline.startDerivedFirst(Duration.ofSeconds(120));
            Map<String, KafkaStreams> apps = new LinkedHashMap<>();
            apps.put("foundation", pipeline.streams());
            apps.put("derived", pipeline.derivedStreams());
            Stage stage;
            try (StageMetrics metrics = new StageMetrics(apps)) {
                long t = System.nanoTime();
                Pipeline.Settled settled = pipeline.awaitSettled(Duration.ofMinutes(30));
                double rate = count / Baseline.secondsSince(t);
                stage = new Stage(rate, metrics.finish(count, config.stateDir()), settled);
            }
            if (pipeline.validationCounts().read() != count) {
                throw new IllegalStateException("pipeline read " + pipeline.validationCounts().read() + " of " + count);
            }
            return stage;
        }
    }

    /** Creates the topics, loads the synthetic region hierarchy, produces the observations; returns records/s. */
    private double produce(String bootstrap, AlmanacConfig config, TopicCatalogue topics, Pipeline pipeline, long count, long seed)
            throws InterruptedException {
        try (Admin admin = TopicAdmin.admin(bootstrap)) {
            TopicAdmin.ensureTopics(admin, pipeline != null ? pipeline.allTopics() : topics.all(), config.partitions(), config.replicationFactor());
        }
        RegionsCommand.send(bootstrap, topics, SyntheticObservations.regions(DISTRICTS));
        long t = System.nanoTime();
        try (RawProducer producer = new RawProducer(bootstrap)) {
            SyntheticObservations gen = longSeries == null ? new SyntheticObservations(count, DISTRICTS, seed)
                    : SyntheticObservations.longSeries(count, longSeries, seed);
            while (gen.hasNext()) {
                producer.sendLine(topics.rawObservations().name(), gen.next());
            }
            producer.flush();
        }
        return count / Baseline.secondsSince(t);
    }

    /** " (run 2 of 3)", or nothing when the stages run once. */
    private String runLabel(int run) {
        return repeat == 1 ? "" : String.format(" (run %d of %d)", run, repeat);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static double median(List<Stage> runs) {
        return median(runs.stream().mapToDouble(Stage::rate).toArray());
    }

    /** The median (the mean of the middle two for an even count). */
    static double median(double... values) {
        double[] rates = values.clone();
        Arrays.sort(rates);
        int n = rates.length;
        return n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
    }

    private static List<String> medianRow(String stage, double rate, double baseline, double foundationRate) {
        return List.of(stage, rate(rate), ratio(rate, baseline), ratio(rate, foundationRate), "", "", "", "");
    }

    private String shape() {
        return longSeries == null ? "over " + DISTRICTS + " districts (many short series)"
                : String.format("in %d long monthly series (%,d observations each)", longSeries, events / longSeries);
    }

    private static List<String> stageRow(String stage, double rate, double baseline, double foundationRate, StageMetrics.Result f) {
        return List.of(stage, rate(rate), ratio(rate, baseline), ratio(rate, foundationRate), String.format("%.2f", f.writesPerInput()),
                String.format("%.0f", f.streamCpuMicrosPerRecord()),
                Double.isNaN(f.brokerCpuMicrosPerRecord()) ? "n/a" : String.format("%.0f", f.brokerCpuMicrosPerRecord()),
                f.jitMillis() < 0 ? "n/a" : String.format("%.1f", f.jitMillis() * 1000.0 / f.inputRecords()));
    }

    private static void threadRows(TextTable table, String stage, StageMetrics.Result f) {
        for (Map.Entry<String, StageMetrics.AppFigures> app : f.apps().entrySet()) {
            StageMetrics.AppFigures a = app.getValue();
            List<String> row = new java.util.ArrayList<>();
            row.add(stage + " / " + app.getKey());
            for (String r : StageMetrics.RATIOS) {
                Double v = a.ratios().get(r);
                row.add(v == null || v.isNaN() ? "n/a" : String.format("%.3f", v));
            }
            row.add(a.streamCpuNanos() < 0 ? "n/a" : String.format("%.0f", a.streamCpuNanos() / 1e3 / f.inputRecords()));
            row.add(String.format("%,d", a.recordsSent()));
            row.add(String.format("%,d", a.retries()));
            row.add(String.format("%,d", a.errors()));
            row.add(Integer.toString(a.rocksdbStores()));
            row.add(String.format("%.1f", a.memtableBytes() / 1e6));
            row.add(String.format("%.1f", a.blockCacheBytes() / 1e6));
            row.add(app.getKey().equals(f.apps().keySet().iterator().next()) ? String.format("%.1f", f.stateBytes() / 1e6) : "");
            table.add(row);
        }
    }

    private static void topicRows(TextTable table, String stage, StageMetrics.Result f) {
        for (Map.Entry<String, StageMetrics.AppFigures> app : f.apps().entrySet()) {
            app.getValue().sentByTopic().entrySet().stream()
                    .filter(t -> t.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(t -> table.add(List.of(stage + " / " + app.getKey(), t.getKey(), String.format("%,d", t.getValue()),
                            String.format("%.3f", (double) t.getValue() / f.inputRecords()))));
        }
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        Waiting.until(() -> {
            if (streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("Kafka Streams did not start: " + streams.state());
            }
            return streams.state() == KafkaStreams.State.RUNNING;
        }, Duration.ofMinutes(2), Duration.ofMillis(20), () -> "Kafka Streams did not start: " + streams.state());
    }

    private static String rate(double r) {
        return String.format("%,.0f", r);
    }

    private static String ratio(double a, double b) {
        return String.format("%.3f", a / b);
    }
}
