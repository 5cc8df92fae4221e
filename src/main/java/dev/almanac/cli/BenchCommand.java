package dev.almanac.cli;

import dev.almanac.app.AlmanacConfig;
import dev.almanac.app.Pipeline;
import dev.almanac.app.Settle;
import dev.almanac.app.TopicAdmin;
import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.ingest.RawProducer;
import dev.almanac.ingest.SyntheticObservations;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Measures the pipeline's throughput against the raw consumer rate on the same broker in the same
 * run: the ratio is the figure that travels between machines.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchReplayCommand.class},
        description = {"Benchmarks validation + latest table against a plain consumer on the same broker, same run.",
            "Starts a fresh embedded broker in a temporary folder unless --bootstrap-servers is given.",
            "'bench replay': replay end to end and state restore (see 'bench replay --help')."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--events", paramLabel = "N", defaultValue = "300000", description = "Synthetic observations (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (events < 1) {
            throw new UserException("--events must be at least 1", Main.USAGE);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("almanac-bench");
        EmbeddedBroker broker = null;
        try {
            String bootstrap = kafka.bootstrapServers;
            if (bootstrap == null) {
                out.println("Starting a fresh embedded broker in " + work + " ...");
                out.flush();
                broker = EmbeddedBroker.start(work.resolve("broker"), true, Duration.ofSeconds(90));
                bootstrap = broker.bootstrapServers();
            }
            String runId = Long.toString(System.currentTimeMillis(), 36);
            AlmanacConfig config = kafka.config(bootstrap)
                    .withTopicPrefix("bench-" + runId)
                    .withApplicationId("almanac-bench-" + runId)
                    .withStateDir(work.resolve("state"));
            TopicCatalogue topics = TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(new LocalSchemaRegistry()));
            try (Admin admin = TopicAdmin.admin(bootstrap)) {
                TopicAdmin.ensureTopics(admin, topics.all(), config.partitions(), config.replicationFactor());
            }

            long t = System.nanoTime();
            long bytes = 0;
            try (RawProducer producer = new RawProducer(bootstrap)) {
                SyntheticObservations gen = new SyntheticObservations(events, 500, seed);
                while (gen.hasNext()) {
                    String line = gen.next();
                    bytes += line.length();
                    producer.sendLine(topics.rawObservations().name(), line);
                }
                producer.flush();
            }
            double produceRate = events / secondsSince(t);

            double consumeRate = events / timeRawConsumer(bootstrap, topics.rawObservations().name());

            double pipelineSeconds;
            try (Pipeline pipeline = new Pipeline(config, topics); Settle settle = new Settle(bootstrap)) {
                pipeline.start(Duration.ofSeconds(120));
                t = System.nanoTime();
                settle.await(config.applicationId(), Settle.sourceTopics(pipeline.topology()), Duration.ofMinutes(30));
                pipelineSeconds = secondsSince(t);
                if (pipeline.validationCounts().read() != events) {
                    throw new IllegalStateException("pipeline read " + pipeline.validationCounts().read() + " of " + events);
                }
            }
            double pipelineRate = events / pipelineSeconds;

            out.printf("%nalmanac bench: %,d synthetic observations (%.0f B avg JSON), %d partitions, %s, %s broker, %d cores%n",
                    events, (double) bytes / events, config.partitions(), config.exactlyOnce() ? "exactly_once_v2" : "at_least_once",
                    broker != null ? "embedded" : "external", Runtime.getRuntime().availableProcessors());
            TextTable table = new TextTable(List.of("stage", "records/s", "ratio to raw consumer"));
            table.add(List.of("produce (JSON lines, acks=all)", String.format("%,.0f", produceRate), String.format("%.3f", produceRate / consumeRate)));
            table.add(List.of("raw consumer (baseline)", String.format("%,.0f", consumeRate), "1.000"));
            table.add(List.of("validation + latest + current", String.format("%,.0f", pipelineRate), String.format("%.3f", pipelineRate / consumeRate)));
            out.print(table.render());
            out.println("(pipeline time: from RUNNING until every input record is processed and committed)");
            out.flush();
            return 0;
        } finally {
            if (broker != null) {
                broker.close();
            }
            EmbeddedBroker.deleteTree(work);
        }
    }

    private double timeRawConsumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "almanac-bench-raw-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        long seen = 0;
        long t;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> { });
                if (!consumer.assignment().isEmpty()) {
                    break;
                }
            }
            consumer.seekToBeginning(consumer.assignment());
            t = System.nanoTime();
            while (seen < events) {
                seen += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        return secondsSince(t);
    }

    private static double secondsSince(long t) {
        return (System.nanoTime() - t) / 1e9;
    }
}
