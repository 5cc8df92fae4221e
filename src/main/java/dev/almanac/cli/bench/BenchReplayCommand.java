package dev.almanac.cli.bench;

import dev.almanac.cli.GenerateHistoryCommand;
import dev.almanac.cli.KafkaOptions;
import dev.almanac.cli.Main;
import dev.almanac.cli.TextTable;
import dev.almanac.cli.UserException;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.StoreReadiness;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.replay.DateWindow;
import dev.almanac.replay.HistoryGenerator;
import dev.almanac.replay.Pacing;
import dev.almanac.replay.ProducerSink;
import dev.almanac.replay.ReplayResult;
import dev.almanac.replay.Replayer;
import dev.almanac.replay.ReplayTopics;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench replay}: replay throughput end to end (history file until every table has settled) and
 * state restore from the changelogs, as ratios to a plain consumer reading the same records in the
 * same run.
 */
@Command(name = "replay", header = "Measures a replay end to end, a plain consumer of the same records and the state restore.", mixinStandardHelpOptions = true,
        description = {"Benchmarks a replay end to end: generates a synthetic history (generate history), replays it at full speed while the pipeline (foundation and derived tables) runs, and times it until every table has settled; then a plain consumer reads the same raw records (the baseline); then the pipeline is stopped, its local state wiped and restarted, and the restore from the changelogs is timed.",
            "Starts a fresh embedded broker in a temporary folder unless --bootstrap-servers is given."})
final class BenchReplayCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    BenchOptions bench;

    @Option(names = "--events", paramLabel = "N", defaultValue = "1000000", description = "History lines, about (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--vintages", paramLabel = "V", defaultValue = "4", description = "Vintages per reference period (default: ${DEFAULT-VALUE}).")
    int vintages;

    @Override
    public Integer call() throws Exception {
        // The derived tables measured: --definitions FILE, or the bundled ones.
        dev.almanac.derived.definition.DerivedDefinitions definitions = kafka.definitions();
        if (events < HistoryGenerator.PERIODS_PER_SERIES) {
            throw new UserException("--events must be at least " + HistoryGenerator.PERIODS_PER_SERIES, Main.USAGE);
        }
        HistoryGenerator.Spec history;
        try {
            int series = (int) Math.max(1, Math.round((double) events / (HistoryGenerator.PERIODS_PER_SERIES * vintages)));
            history = new HistoryGenerator.Spec(series, vintages, bench.seed, 0.001);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), Main.USAGE);
        }
        PrintWriter out = bench.out();
        try (BenchWorkspace workspace = BenchWorkspace.create("almanac-bench-replay")) {
            Path work = workspace.dir();
            Path file = work.resolve("history.jsonl");
            long t = System.nanoTime();
            HistoryGenerator.Stats stats = GenerateHistoryCommand.write(history, file);
            out.printf("Generated %,d history lines (%,d series x %d periods x %d vintages, %,d bad) in %.1f s%n", stats.lines(),
                    history.series(), HistoryGenerator.PERIODS_PER_SERIES, vintages, stats.bad(), Baseline.secondsSince(t));
            String bootstrap = workspace.bootstrap(kafka.bootstrapServers(), out);
            AlmanacConfig config = workspace.config(kafka.config(bootstrap), "replay");
            TopicCatalogue topics = TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(new LocalSchemaRegistry()));

            double replaySeconds;
            double foundationSeconds;
            double allSeconds;
            long latestRows;
            ReplayResult sent;
            try (Pipeline pipeline = new Pipeline(config, topics, definitions); CaughtUpCheck settle = new CaughtUpCheck(bootstrap)) {
                pipeline.start(Duration.ofSeconds(120));
                out.println("Pipeline running; replaying ...");
                out.flush();
                t = System.nanoTime();
                try (ProducerSink sink = new ProducerSink(bootstrap, config.partitions(), config.replicationFactor())) {
                    sent = new Replayer(new Replayer.Options(DateWindow.ALL, new Pacing.Max(), false), ReplayTopics.of(topics), sink,
                            Replayer.Clock.SYSTEM).run(List.of(file), Replayer.Listener.NONE);
                }
                replaySeconds = Baseline.secondsSince(t);
                settle.await(config.applicationId(), CaughtUpCheck.sourceTopics(pipeline.topology()), Duration.ofHours(2));
                foundationSeconds = Baseline.secondsSince(t);
                settle.await(Pipeline.derivedApplicationId(config), CaughtUpCheck.sourceTopics(pipeline.derivedTopology()), Duration.ofHours(2));
                allSeconds = Baseline.secondsSince(t);
                StoreReadiness.await(pipeline, Duration.ofMinutes(10));
                long read = pipeline.validationCounts().read();
                if (read != sent.observations() + sent.bad()) {
                    throw new IllegalStateException("the pipeline read " + read + " of " + (sent.observations() + sent.bad()) + " observation records");
                }
                latestRows = pipeline.latestHistory().count();
            }
            long lines = sent.observations() + sent.bad();
            Baseline.Rate baseline = Baseline.rawConsumerRate(bootstrap, topics.rawObservations().name(), lines);
            double consumerRate = baseline.median();

            for (String app : List.of(config.applicationId(), Pipeline.derivedApplicationId(config))) {
                EmbeddedBroker.deleteTree(config.stateDir().resolve(app));
            }
            AtomicLong restored = new AtomicLong();
            double restoreSeconds;
            try (Pipeline pipeline = new Pipeline(config, topics, definitions)) {
                StateRestoreListener counter = new StateRestoreListener() {
                    @Override
                    public void onRestoreStart(TopicPartition tp, String store, long start, long end) {
                    }

                    @Override
                    public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {
                        restored.addAndGet(numRestored);
                    }

                    @Override
                    public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
                    }
                };
                pipeline.streams().setGlobalStateRestoreListener(counter);
                pipeline.derivedStreams().setGlobalStateRestoreListener(counter);
                t = System.nanoTime();
                pipeline.start(Duration.ofMinutes(30));
                StoreReadiness.await(pipeline, Duration.ofMinutes(30));
                restoreSeconds = Baseline.secondsSince(t);
                long after = pipeline.latestHistory().count();
                if (after != latestRows) {
                    throw new IllegalStateException("restored latest table has " + after + " rows, " + latestRows + " before");
                }
            }

            out.printf("%nalmanac bench replay: %,d lines (%,d observations, %,d bad) published %s .. %s, %d partitions, %s, %s broker, %d cores%n",
                    lines, sent.observations(), sent.bad(), stats.firstPublished(), stats.lastPublished(), config.partitions(),
                    config.exactlyOnce() ? "exactly_once_v2" : "at_least_once", workspace.brokerKind(),
                    Runtime.getRuntime().availableProcessors());
            TextTable table = new TextTable(List.of("stage", "records/s", "ratio to raw consumer", "time"));
            table.add(List.of("raw consumer (baseline, same records)", String.format("%,.0f", consumerRate), "1.000",
                    String.format("%.2f s, median of %d passes", lines / consumerRate, baseline.passes())));
            table.add(row("replay: file -> raw topic (sent, acks=all)", lines / replaySeconds, consumerRate, replaySeconds));
            table.add(row("replay end to end: foundation settled", lines / foundationSeconds, consumerRate, foundationSeconds));
            table.add(row("replay end to end: all tables settled", lines / allSeconds, consumerRate, allSeconds));
            table.add(row(String.format("restore after wiping local state (%,d changelog records)", restored.get()),
                    restored.get() / restoreSeconds, consumerRate, restoreSeconds));
            out.print(table.render());
            out.println("(end to end: from the first line sent until every record is processed and committed by both applications;");
            out.println(" restore: from start until every store partition of both applications answers queries; "
                    + String.format("latest table: %,d rows before and after)", latestRows));
            out.flush();
            return 0;
        }
    }

    private static List<String> row(String stage, double rate, double baseline, double seconds) {
        return List.of(stage, String.format("%,.0f", rate), String.format("%.3f", rate / baseline), String.format("%.1f s", seconds));
    }
}
