package dev.almanac.ops;

import dev.almanac.foundation.ValidationCounts;
import dev.almanac.serde.SchemaRegistryClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The metrics of one Almanac process, in Prometheus text through Micrometer: the JVM, every Kafka Streams
 * application's own metrics (stream threads, tasks, state stores, and its consumers' {@code records-lag} per input
 * partition) through Micrometer's {@link KafkaStreamsMetrics} binder, and Almanac's own {@code almanac_*} series:
 * records accepted and rejected by reason, dead letters, query latency by table and kind, schema-registry calls.
 */
public final class OpsMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final AtomicReference<ValidationCounts> validation = new AtomicReference<>(new ValidationCounts(0, 0, Map.of()));
    private final Map<String, FunctionCounter> rejectedReasons = new ConcurrentHashMap<>();
    private final Map<String, Timer> queryTimers = new ConcurrentHashMap<>();
    private volatile Supplier<ValidationCounts> validationSource;

    public OpsMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        FunctionCounter.builder("almanac.records.accepted", validation, v -> v.get().accepted())
                .description("Observations that passed validation (all local partitions, all runs on this cluster)")
                .register(registry);
        FunctionCounter.builder("almanac.records.read", validation, v -> v.get().read())
                .description("Observations read from the raw topic").register(registry);
        FunctionCounter.builder("almanac.dead.letters", validation, v -> v.get().rejected())
                .description("Observations written to the dead-letter topic, with their reason and original bytes")
                .tag("source", "observations").register(registry);
    }

    /** Binds a Kafka Streams application's metrics, tagged {@code application=<name>}. */
    public void bindStreams(String application, KafkaStreams streams) {
        KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams, Tags.of("application", application));
        m.bindTo(registry);
        binders.add(m);
    }

    /**
     * Where the validation counts come from (the pipeline's counts store). They are read when metrics are scraped;
     * while the store cannot be read (a rebalance) the last values stay.
     */
    public void bindValidation(Supplier<ValidationCounts> source) {
        this.validationSource = source;
    }

    /** A registry client that counts and times its calls ({@code almanac_schema_registry_calls_seconds}). */
    public SchemaRegistryClient meter(SchemaRegistryClient client) {
        return new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                return timed("register", () -> client.register(subject, schema));
            }

            @Override
            public Schema byId(int id) {
                return timed("by_id", () -> client.byId(id));
            }
        };
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long t0 = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "ok";
            return result;
        } finally {
            Timer.builder("almanac.schema.registry.calls").description("Calls from the serdes to the schema registry")
                    .tags("operation", operation, "outcome", outcome).register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** Records one query's latency; {@code table} and {@code kind} must come from small fixed sets. */
    public void recordQuery(String table, String kind, int status, Duration took) {
        String outcome = status < 400 ? "ok" : status < 500 ? "client_error" : "server_error";
        queryTimers.computeIfAbsent(table + "|" + kind + "|" + outcome, k -> Timer.builder("almanac.query")
                .description("Query API latency (pull: /query, push: /query-stream until the stream ends, peer: reads for other instances)")
                .tags("table", table, "kind", kind, "outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(took);
    }

    /** Counts a request the API refused before running it (bad token, bad SQL). */
    Counter refused(String reason) {
        return Counter.builder("almanac.query.refused").tag("reason", reason).register(registry);
    }

    /** The Prometheus text exposition of every metric, validation counts refreshed first. */
    public String scrape() {
        refreshValidation();
        return registry.scrape();
    }

    private void refreshValidation() {
        Supplier<ValidationCounts> source = validationSource;
        if (source == null) {
            return;
        }
        try {
            ValidationCounts now = source.get();
            validation.set(now);
            for (String reason : now.rejectedByReason().keySet()) {
                rejectedReasons.computeIfAbsent(reason, r -> FunctionCounter.builder("almanac.records.rejected", validation,
                                v -> v.get().rejectedByReason().getOrDefault(r, 0L))
                        .description("Observations rejected by validation, by reason").tag("reason", r).register(registry));
            }
        } catch (RuntimeException e) {
            // the counts store is not queryable during a rebalance: keep the last values
        }
    }

    /** The Micrometer registry, for tests and further binders. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        for (AutoCloseable b : binders) {
            try {
                b.close();
            } catch (Exception ignored) {
                // closing metrics must not stop a shutdown
            }
        }
        registry.close();
    }
}
