package dev.almanac.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryApiConfig;
import dev.almanac.runtime.QueryNode;
import dev.almanac.runtime.StoreReadiness;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics content after real traffic, and the probes while a second instance joins (a rebalance). */
class MetricsAndProbesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaCluster cluster;

    @BeforeAll
    @Timeout(120)
    static void start() throws Exception {
        cluster = KafkaCluster.start(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(600)
    void shouldServeMetricsAndStayLiveWhileASecondInstanceJoins(@TempDir Path dir) throws Exception {
        LocalSchemaRegistry registry = new LocalSchemaRegistry();
        int port = freePort();
        AlmanacConfig config = AlmanacConfig.defaults(cluster.bootstrapServers(), dir.resolve("a")).withPartitions(2)
                .withQueryApi(new QueryApiConfig(port, "127.0.0.1", Optional.empty(), 1000, Duration.ofSeconds(120)));
        String url = "http://127.0.0.1:" + port;
        try (OpsMetrics metrics = new OpsMetrics();
             Pipeline a = new Pipeline(config, TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(metrics.meter(registry))));
             QueryNode node = QueryNode.start(a, metrics)) {
            a.start(Duration.ofSeconds(120));
            List<String> lines = new ArrayList<>(Fixtures.bundledObservations());
            try (RawProducer producer = new RawProducer(config.kafka())) {
                for (String line : lines) {
                    producer.sendLine(a.topics().rawObservations().name(), line);
                }
                producer.sendLine(a.topics().rawObservations().name(), "this is not json");
                producer.sendLine(a.topics().rawObservations().name(), "{\"indicator\": \"gdp\"}");
                producer.flush();
            }
            a.awaitSettled(Duration.ofSeconds(120));
            StoreReadiness.await(a, Duration.ofSeconds(60));

            HttpResponse<String> query = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/query"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT region, \\\"value\\\" FROM latest WHERE indicator = 'gdp'\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, query.statusCode(), query.body());

            String text = get(url + "/metrics").body();
            assertEquals(lines.size(), value(text, "almanac_records_accepted_total"), 0.0);
            assertEquals(2, value(text, "almanac_dead_letters_total\\{source=\"observations\"\\}"), 0.0);
            assertEquals(2, sum(text, "almanac_records_rejected_total\\{reason=\"[^\"]+\"\\}"), 0.0, text);
            assertTrue(text.contains("almanac_query_seconds_bucket{kind=\"pull\",outcome=\"ok\",table=\"latest\""), text);
            assertTrue(Pattern.compile("(?m)^almanac_schema_registry_calls_seconds_count\\{operation=\"register\",outcome=\"ok\"\\} [1-9]").matcher(text).find(), text);
            assertTrue(Pattern.compile("(?m)^kafka_stream_thread_process_total\\{application=\"foundation\"").matcher(text).find(), text);
            // Micrometer's Kafka binder registers metrics that appear after binding (a partition's lag appears once
            // the partition is assigned and fetched) on its next refresh, every 60 s: wait for it with a deadline.
            Pattern lag = Pattern.compile("(?m)^kafka_consumer_fetch_manager_records_lag\\{.*partition=\"1\".*topic=\"almanac\\.observations\\.raw\"");
            Awaitility.await("consumer lag per input partition in /metrics").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> lag.matcher(get(url + "/metrics").body()).find());
            assertTrue(text.contains("jvm_memory_used_bytes{"), text);

            assertEquals(200, get(url + "/health/live").statusCode());
            assertEquals(200, get(url + "/health/ready").statusCode());
            assertEquals(200, get(url + "/health").statusCode());

            // A second instance of the same application joins: instance A rebalances while it keeps running.
            AlmanacConfig second = config.withStateDir(dir.resolve("b"))
                    .withQueryApi(new QueryApiConfig(freePort(), "127.0.0.1", Optional.empty(), 1000, Duration.ofSeconds(120)));
            try (Pipeline b = new Pipeline(second, TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(registry)))) {
                CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> {
                    try {
                        b.start(Duration.ofSeconds(120));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                int rebalancingPolls = 0;
                int notReadyPolls = 0;
                Instant deadline = Instant.now().plus(Duration.ofSeconds(150));
                while (!(joined.isDone() && a.streams().state() == KafkaStreams.State.RUNNING
                        && a.derivedStreams().state() == KafkaStreams.State.RUNNING && rebalancingPolls > 0)) {
                    assertTrue(Instant.now().isBefore(deadline), "the second instance did not join in time");
                    boolean rebalancing = a.streams().state() == KafkaStreams.State.REBALANCING
                            || a.derivedStreams().state() == KafkaStreams.State.REBALANCING;
                    HttpResponse<String> live = get(url + "/health/live");
                    assertEquals(200, live.statusCode(), "liveness must hold during a rebalance: " + live.body());
                    HttpResponse<String> ready = get(url + "/health/ready");
                    if (rebalancing && (a.streams().state() == KafkaStreams.State.REBALANCING
                            || a.derivedStreams().state() == KafkaStreams.State.REBALANCING)) {
                        rebalancingPolls++;
                        if (ready.statusCode() == 503) {
                            notReadyPolls++;
                        }
                    }
                    if (joined.isDone() && rebalancingPolls == 0) {
                        break; // the rebalance was too quick to observe; liveness held on every poll anyway
                    }
                }
                joined.join();
                assertTrue(rebalancingPolls == 0 || notReadyPolls > 0, "readiness must drop while the tables move");
                assertEquals(200, get(url + "/health/live").statusCode());
            }
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    private static double sum(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
