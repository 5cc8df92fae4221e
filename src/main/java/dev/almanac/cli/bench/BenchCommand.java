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
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Measures the pipeline's throughput against the raw consumer rate on the same broker in the same
 * run: the ratios are the figures that travel between machines.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {QueryBenchCommand.class, BenchReplayCommand.class},
        description = {"Benchmarks, on the same broker in the same run: a plain consumer (the baseline), the",
            "foundation (validation + latest + current) and the full pipeline (foundation + every derived table).",
            "Starts a fresh embedded broker in a temporary folder unless --bootstrap-servers is given.",
            "'bench replay': replay end to end and state restore (see 'bench replay --help')."})
public final class BenchCommand implements Callable<Integer> {

    private static final int DISTRICTS = 500;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--events", paramLabel = "N", defaultValue = "200000", description = "Synthetic observations (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--foundation-only", description = "Skip the full-pipeline stage.")
    boolean foundationOnly;

    @Override
    public Integer call() throws Exception {
        if (events < 1) {
            throw new UserException("--events must be at least 1", Main.USAGE);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (BenchWorkspace workspace = BenchWorkspace.create("almanac-bench")) {
            Path work = workspace.dir();
            String bootstrap = workspace.bootstrap(kafka.bootstrapServers(), out);
            String runId = Long.toString(System.currentTimeMillis(), 36);
            AlmanacConfig base = kafka.config(bootstrap).withStateDir(work.resolve("state"));
            AvroSerdes serdes = new AvroSerdes(new LocalSchemaRegistry());

            AlmanacConfig foundationConfig = base.withTopicPrefix("bench-" + runId + "-f").withApplicationId("bench-" + runId + "-f");
            TopicCatalogue foundationTopics = TopicCatalogue.create(foundationConfig.topicPrefix(), serdes);
            double produceRate = produce(bootstrap, foundationConfig, foundationTopics, null);
            out.printf("produced %,d observations (%,.0f records/s)%n", events, produceRate);
            out.flush();

            double consumeRate = events / timeRawConsumer(bootstrap, foundationTopics.rawObservations().name());
            out.printf("raw consumer: %,.0f records/s%n", consumeRate);
            out.flush();

            double foundationRate;
            try (KafkaStreams streams = new KafkaStreams(Pipeline.topology(foundationTopics), Pipeline.streamsProperties(foundationConfig));
                 CaughtUpCheck settle = new CaughtUpCheck(bootstrap)) {
                streams.start();
                awaitRunning(streams);
                long t = System.nanoTime();
                settle.await(foundationConfig.applicationId(), CaughtUpCheck.sourceTopics(Pipeline.topology(foundationTopics)), Duration.ofMinutes(30));
                foundationRate = events / secondsSince(t);
            }
            out.printf("foundation: %,.0f records/s%n", foundationRate);
            out.flush();

            Double fullRate = null;
            if (!foundationOnly) {
                AlmanacConfig fullConfig = base.withTopicPrefix("bench-" + runId + "-p").withApplicationId("bench-" + runId + "-p");
                TopicCatalogue fullTopics = TopicCatalogue.create(fullConfig.topicPrefix(), serdes);
                try (Pipeline pipeline = new Pipeline(fullConfig, fullTopics)) {
                    produce(bootstrap, fullConfig, fullTopics, pipeline);
                    pipeline.start(Duration.ofSeconds(120));
                    long t = System.nanoTime();
                    pipeline.awaitSettled(Duration.ofMinutes(30));
                    fullRate = events / secondsSince(t);
                    if (pipeline.validationCounts().read() != events) {
                        throw new IllegalStateException("pipeline read " + pipeline.validationCounts().read() + " of " + events);
                    }
                }
            }

            out.printf("%nalmanac bench: %,d synthetic observations over %d districts, %d partitions, %s, %s broker, %d cores%n",
                    events, DISTRICTS, base.partitions(), base.exactlyOnce() ? "exactly_once_v2" : "at_least_once",
                    workspace.brokerKind(), Runtime.getRuntime().availableProcessors());
            TextTable table = new TextTable(List.of("stage", "records/s", "ratio to raw consumer", "ratio to foundation"));
            table.add(List.of("produce (JSON lines, acks=all)", rate(produceRate), ratio(produceRate, consumeRate), ""));
            table.add(List.of("raw consumer (baseline)", rate(consumeRate), "1.000", ""));
            table.add(List.of("foundation: validation + latest + current", rate(foundationRate), ratio(foundationRate, consumeRate), "1.000"));
            if (fullRate != null) {
                table.add(List.of("full pipeline: foundation + all derived tables", rate(fullRate), ratio(fullRate, consumeRate),
                        ratio(fullRate, foundationRate)));
            }
            out.print(table.render());
            out.println("(a stage's time runs from its applications reaching RUNNING until every input record is processed and committed;"
                    + " the consumer reads with assign(), without a group)");
            out.flush();
            return 0;
        }
    }

    /** Creates the topics, loads the synthetic region hierarchy, produces the observations; returns records/s. */
    private double produce(String bootstrap, AlmanacConfig config, TopicCatalogue topics, Pipeline pipeline) throws InterruptedException {
        try (Admin admin = TopicAdmin.admin(bootstrap)) {
            TopicAdmin.ensureTopics(admin, pipeline != null ? pipeline.allTopics() : topics.all(), config.partitions(), config.replicationFactor());
        }
        RegionsCommand.send(bootstrap, topics, SyntheticObservations.regions(DISTRICTS));
        long t = System.nanoTime();
        try (RawProducer producer = new RawProducer(bootstrap)) {
            SyntheticObservations gen = new SyntheticObservations(events, DISTRICTS, seed);
            while (gen.hasNext()) {
                producer.sendLine(topics.rawObservations().name(), gen.next());
            }
            producer.flush();
        }
        return events / secondsSince(t);
    }

    private double timeRawConsumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long t = System.nanoTime();
            while (seen < events) {
                seen += consumer.poll(Duration.ofMillis(500)).count();
            }
            return secondsSince(t);
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

    private static double secondsSince(long t) {
        return (System.nanoTime() - t) / 1e9;
    }
}
