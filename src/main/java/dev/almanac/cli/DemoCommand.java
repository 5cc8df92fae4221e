package dev.almanac.cli;

import dev.almanac.runtime.Pipeline;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.Region;
import dev.almanac.derived.DerivedKinds;
import dev.almanac.derived.DerivedTable;
import dev.almanac.derived.TerminalView;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TableReader;
import dev.almanac.observation.ObservationJson;
import dev.almanac.region.RegionJson;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import java.nio.charset.StandardCharsets;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.registry.RegistryConnection;
import dev.almanac.serde.AvroSerdes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Everything on one machine: embedded broker, pipeline, bundled dataset, tables in the terminal. */
@Command(name = "demo", header = "Runs everything on this machine: an embedded broker, the pipeline and the bundled dataset.", mixinStandardHelpOptions = true,
        description = {
            "Starts an embedded Kafka broker (KRaft, loopback), runs the pipeline, replays the bundled dataset",
            "and prints a summary of the tables (--tables: every row) and the dashboard's address; then keeps running until Ctrl-C.",
            "The broker's data stays in <home>/broker and is reused by the next run (the replayed observations",
            "are then read again: the tables do not change, the counts grow); --fresh deletes it and the local",
            "state first. <home> is $ALMANAC_HOME, else .almanac/ in the repository."})
final class DemoCommand implements Callable<Integer> {

    /** How many synthetic registrations the demo generates (at least Beijing's largest reported total, 209). */
    static final int SYNTHETIC_REGISTRATIONS = 627;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    QueryApiOptions queryApi;

    @Option(names = "--once", description = "Print the tables and exit instead of running until Ctrl-C.")
    boolean once;

    @Option(names = "--tables", description = "Print every table in full (latest, current and each derived table) instead of a summary.")
    boolean tables;

    @Option(names = "--fresh", description = "Start from an empty broker and empty local state.")
    boolean fresh;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder with observations.jsonl (default: the repository's data/).")
    Path data;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dataDir = data != null ? data : Home.dataDir();
        Path observations = Home.requireFile(dataDir.resolve("observations.jsonl"));
        if (fresh) {
            EmbeddedBroker.deleteTree(Home.stateDir());
        }
        long t0 = System.nanoTime();
        out.printf("Starting the embedded Kafka broker (KRaft) in %s%s ...%n", Home.brokerDir(), fresh ? " (fresh)" : "");
        out.flush();
        // Closed in reverse order (query API, pipeline, registry, broker), then the stop hook is released: see GracefulStop.
        try (GracefulStop stop = GracefulStop.install()) {
            try (EmbeddedBroker broker = EmbeddedBroker.start(Home.brokerDir(), fresh, Duration.ofSeconds(90))) {
                out.printf("Broker up at %s after %.1f s%n", broker.bootstrapServers(), seconds(t0));
                var config = kafka.config(broker.bootstrapServers()).withQueryApi(queryApi.config(true));
                // A broker that outlived us would hold its ports and directory: killed if closing overruns.
                stop.onTimeout(broker::kill);
                try (dev.almanac.ops.OpsMetrics metrics = new dev.almanac.ops.OpsMetrics();
                     RegistryConnection registry = kafka.openRegistry(config, true);
                     Pipeline pipeline = new Pipeline(config, TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(metrics.meter(registry.client()))),
                             kafka.definitions());
                     QueryApiProcess api = QueryApiProcess.start(pipeline, metrics);
                     AutoCloseable interruptCleared = stop::clearInterrupt) {
                    TopicCatalogue topics = pipeline.topics();
                    out.printf("Schema registry: %s%n", registry.describe());
                    dev.almanac.runtime.DefinitionChanges.check(pipeline).lines(Pipeline.derivedApplicationId(config)).forEach(out::println);
                    pipeline.start(Duration.ofSeconds(120));
                    out.printf("Pipeline running (%s), application id %s, topics %s.*%n",
                            config.exactlyOnce() ? "exactly_once_v2" : "at_least_once", config.applicationId(), config.topicPrefix());
                    ValidationCounts before = pipeline.validationCounts();
                    long t1 = System.nanoTime();
                    List<Region> regions = RegionJson.parseAll(FileLines.read(dataDir.resolve("regions.jsonl")));
                    RegionsCommand.send(config.kafka(), topics, regions);
                    List<String> lines = FileLines.read(observations);
                    List<ModelRegistration> registrations = RegistrationGenerator.generate(RegistrationGenerator.beijing(
                            SYNTHETIC_REGISTRATIONS, 42, RegistrationGenerator.anchors(
                                    lines.stream().map(ObservationJson::parse).toList(), "registered_llm_count", "CN-BJ")));
                    try (RawProducer producer = new RawProducer(config.kafka())) {
                        for (String line : lines) {
                            producer.sendLine(topics.rawObservations().name(), line);
                        }
                        for (ModelRegistration r : registrations) {
                            producer.send(topics.rawRegistrations().name(), null,
                                    RegistrationJson.toJson(r).getBytes(StandardCharsets.UTF_8), r.getPublished().toEpochMilli());
                        }
                        producer.flush();
                    }
                    pipeline.awaitSettled(Duration.ofSeconds(180));
                    dev.almanac.runtime.StoreReadiness.await(pipeline, Duration.ofSeconds(60));
                    ValidationCounts after = pipeline.validationCounts();
                    out.printf("Loaded %d regions; replayed %d observations from %s and %d SYNTHETIC model registrations"
                            + " (generated to match Beijing's reported totals) in %.1f s%n",
                            regions.size(), lines.size(), observations, registrations.size(), seconds(t1));
                    out.printf("Validation (this run): read %d, accepted %d, rejected %d%n",
                            after.read() - before.read(), after.accepted() - before.accepted(), after.rejected() - before.rejected());
                    if (before.read() > 0) {
                        out.printf("Validation (all runs on this broker): read %d, accepted %d, rejected %d%n",
                                after.read(), after.accepted(), after.rejected());
                    }
                    if (tables) {
                        printTables(out, pipeline);
                        printDerived(out, pipeline, config.kafka());
                    } else {
                        DemoSummary.print(out, api.engine());
                    }
                    printQueryApi(out, api.url(), config.queryApi().apiToken().isPresent());
                    if (once) {
                        return 0;
                    }
                    out.printf("%nRunning; the broker listens on %s (try: ./almanac produce --file F.jsonl). Ctrl-C stops.%n",
                            broker.bootstrapServers());
                    out.flush();
                    stop.await();
                    out.println("Stopping: closing the query API, the pipeline, the registry and the broker ...");
                    out.flush();
                }
            } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
                stop.rethrowUnlessRequested(e); // a stop signal while starting or replaying
            }
        }
        return 0;
    }

    private static void printQueryApi(PrintWriter out, String url, boolean token) {
        String auth = token ? " -H \"Authorization: Bearer $ALMANAC_API_TOKEN\"" : "";
        out.printf("%nDashboard: %s/ (charts, revisions, as known on a date, browse and SQL, live)%n", url);
        out.printf("SQL query API: %s (tables: %s/tables; shell: ./almanac sql)%n", url, url);
        out.printf("  curl -s%s %s/query -d '{\"sql\": \"SELECT region, value FROM current FOR SYSTEM_TIME AS OF "
                + "TIMESTAMP '\\''2025-07-01 00:00:00'\\'' WHERE indicator = '\\''registered_llm_count'\\'' AND region = '\\''CN-BJ'\\''\"}'%n",
                auth, url);
        out.printf("  ./almanac sql -e \"SELECT indicator, period, value_text, published FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ'\"%n");
        out.flush();
    }

    private static void printTables(PrintWriter out, Pipeline pipeline) {
        List<IndicatorObservation> latest = pipeline.latestHistory().all();
        out.printf("%nLatest table: %d rows, key (indicator, region, period), newest vintage wins%n", latest.size());
        out.print(ObservationRows.render(latest));
        List<IndicatorObservation> current = values(pipeline.keyValueStore(FoundationTopology.CURRENT_STORE));
        out.printf("%nCurrent values: %d series, key (indicator, region, frequency), latest vintage of the newest period%n", current.size());
        out.print(ObservationRows.render(current));
        out.flush();
    }

    private static void printDerived(PrintWriter out, Pipeline pipeline, dev.almanac.kafka.ClusterAccess bootstrap) {
        TopicCatalogue topics = pipeline.topics();
        DerivedDefinitions defs = pipeline.definitions();
        Duration t = Duration.ofSeconds(60);
        out.printf("%nDerived tables, defined in %s (compact views; [topic] holds every row)%n", defs.source());
        TerminalView.TableContents contents = new TerminalView.TableContents() {
            @Override
            public <V> Collection<V> of(Topic<?, V> topic) {
                return TableReader.read(bootstrap, topic, t).values();
            }
        };
        for (DerivedTable<?> table : DerivedKinds.tables(defs)) {
            for (TerminalView view : table.terminalViews(topics)) {
                out.printf("%n%s%n", view.heading());
                out.print(DerivedText.render(view, contents));
            }
        }
        out.flush();
    }

    private static <K> List<IndicatorObservation> values(ReadOnlyKeyValueStore<K, IndicatorObservation> store) {
        List<IndicatorObservation> rows = new ArrayList<>();
        try (KeyValueIterator<K, IndicatorObservation> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<K, IndicatorObservation> kv = it.next();
                rows.add(kv.value);
            }
        }
        return rows;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
