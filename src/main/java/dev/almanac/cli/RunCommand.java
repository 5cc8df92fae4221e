package dev.almanac.cli;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.KafkaWait;
import dev.almanac.runtime.Pipeline;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.registry.RegistryConnection;
import dev.almanac.serde.AvroSerdes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the pipeline against an external cluster until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the topologies against a Kafka cluster until Ctrl-C, creating missing topics first.")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    QueryApiOptions queryApi;

    @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "Print validation counts every N seconds; 0 disables (default: ${DEFAULT-VALUE}).")
    int statusInterval;

    // Forever by default: a pipeline started with (or before) its broker should come up by itself, as a
    // broker that restarts under a running pipeline does; a supervisor that wants a failure instead sets a bound.
    @Option(names = "--kafka-wait", paramLabel = "SECONDS", defaultValue = "0",
            description = "How long to wait at start for Kafka to answer, retrying every 5 s; 0 waits until it does "
                    + "or Ctrl-C (default: ${DEFAULT-VALUE}).")
    long kafkaWait;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AlmanacConfig config = kafka.config(kafka.resolveBootstrap()).withQueryApi(queryApi.config());
        if (kafkaWait < 0) {
            throw new UserException("--kafka-wait must be 0 (forever) or more seconds", Main.USAGE);
        }
        // Closed in reverse order (query API, pipeline, registry), then the stop hook is released: see GracefulStop.
        try (GracefulStop stop = GracefulStop.install()) {
            try {
                KafkaWait.await(config.kafka(), Duration.ofSeconds(kafkaWait), line -> {
                    out.println(line);
                    out.flush();
                });
            } catch (IllegalStateException e) {
                throw new UserException(e.getMessage());
            } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
                stop.rethrowUnlessRequested(e);
                return 0; // a stop signal while waiting for Kafka: nothing has started yet
            }
            try (dev.almanac.ops.OpsMetrics metrics = new dev.almanac.ops.OpsMetrics();
                 RegistryConnection registry = kafka.openRegistry(config, false);
                 Pipeline pipeline = new Pipeline(config, TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(metrics.meter(registry.client()))),
                         kafka.definitions());
                 QueryApiProcess api = QueryApiProcess.start(pipeline, metrics);
                 AutoCloseable interruptCleared = stop::clearInterrupt) {
                out.printf("Schema registry: %s%n", registry.describe());
                out.printf("Derived tables from %s%n", pipeline.definitions().source());
                dev.almanac.runtime.DefinitionChanges.check(pipeline).lines(Pipeline.derivedApplicationId(config)).forEach(out::println);
                try {
                    pipeline.start(Duration.ofSeconds(120));
                } catch (IllegalStateException e) {
                    throw new UserException("cannot start against " + config.bootstrapServers() + ": " + e.getMessage());
                }
                out.printf("Pipeline running against %s (%s), application id %s, topics %s.*. Ctrl-C stops.%n",
                        config.bootstrapServers(), config.exactlyOnce() ? "exactly_once_v2" : "at_least_once",
                        config.applicationId(), config.topicPrefix());
                out.printf("SQL query API at %s (application.server %s); try: ./almanac sql%n", api.url(), config.queryApi().applicationServer());
                out.flush();
                while (!stop.await(statusInterval <= 0 ? Long.MAX_VALUE : statusInterval, TimeUnit.SECONDS)) {
                    try {
                        ValidationCounts c = pipeline.validationCounts();
                        out.printf("read %d, accepted %d, rejected %d %s%n", c.read(), c.accepted(), c.rejected(),
                                c.rejectedByReason().isEmpty() ? "" : c.rejectedByReason());
                    } catch (IllegalStateException | InvalidStateStoreException e) {
                        // During a rebalance the counts store closes under the iterator: report the state, keep running.
                        out.printf("state: %s (%s)%n", pipeline.streams().state(), e.getMessage());
                    }
                    out.flush();
                }
                out.println("Stopping: closing the query API, the pipeline and the registry ...");
                out.flush();
            } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
                stop.rethrowUnlessRequested(e); // a stop signal while starting
            }
        }
        return 0;
    }
}
