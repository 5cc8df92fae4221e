package dev.almanac.query.http;

import dev.almanac.query.QueryException;
import dev.almanac.runtime.QueryNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryApiConfig;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.observation.ObservationJson;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances of one application (same application id) on one broker, each with its own stores and
 * HTTP API: each answers keys the other owns, scans cover both, and after one leaves the survivor
 * answers everything.
 */
class TwoInstanceQueryIT {

    private record Instance(Pipeline pipeline, QueryNode node, QueryClient client, HostInfo host) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
            pipeline.close();
        }
    }

    @Test
    @Timeout(300)
    void shouldAnswerKeysOwnedByTheOtherInstanceAndEverythingAfterOneLeaves() throws Exception {
        Path state = Files.createTempDirectory("two-instance-it");
        try (KafkaCluster cluster = KafkaCluster.start(1)) {
            TopicCatalogue topics = TopicCatalogue.create("q2i", new AvroSerdes(new LocalSchemaRegistry()));
            Instance a = instance(cluster, topics, state.resolve("a"));
            Instance b = instance(cluster, topics, state.resolve("b"));
            try {
                a.pipeline().start(Duration.ofSeconds(90));
                b.pipeline().start(Duration.ofSeconds(90));
                await("both instances run and share the partitions", Duration.ofSeconds(120), () -> running(a) && running(b)
                        && ownedPartitions(a, topics, a.host()) > 0 && ownedPartitions(a, topics, b.host()) > 0);

                List<String> lines = Fixtures.bundledObservations();
                try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
                    lines.forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
                    producer.flush();
                }
                try (CaughtUpCheck settle = new CaughtUpCheck(cluster.bootstrapServers())) {
                    settle.await("q2i", CaughtUpCheck.sourceTopics(a.pipeline().topology()), Duration.ofSeconds(120));
                }
                Map<ObservationKey, IndicatorObservation> latest = latestOf(lines);

                ObservationKey ofA = ownedBy(a, latest.keySet(), a.host());
                ObservationKey ofB = ownedBy(a, latest.keySet(), b.host());
                assertAnsweredBy(b.client(), ofA, latest.get(ofA), a.host());
                assertAnsweredBy(a.client(), ofB, latest.get(ofB), b.host());

                JsonNode count = a.client().query("SELECT COUNT(*) AS n FROM latest");
                assertEquals(latest.size(), count.path("rows").get(0).get(0).asInt(), count.toString());
                assertEquals(2, count.path("instances").size(), "a scan fans out to both instances: " + count.path("instances"));

                b.node().close();
                b.pipeline().streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));

                // Right after the other instance left, an answer is complete or an error: never a partial count.
                try {
                    JsonNode during = a.client().query("SELECT COUNT(*) AS n FROM latest");
                    assertEquals(latest.size(), during.path("rows").get(0).get(0).asInt(), during.toString());
                } catch (QueryException e) {
                    assertEquals(503, e.status(), e.getMessage());
                }

                await("the survivor owns every partition and runs", Duration.ofSeconds(120),
                        () -> running(a) && ownedPartitions(a, topics, a.host()) == 4);
                JsonNode after = a.client().query("SELECT COUNT(*) AS n FROM latest");
                assertEquals(latest.size(), after.path("rows").get(0).get(0).asInt(), after.toString());
                assertEquals(1, after.path("instances").size(), after.path("instances").toString());
                assertAnsweredBy(a.client(), ofB, latest.get(ofB), a.host());
                assertAnsweredBy(a.client(), ofA, latest.get(ofA), a.host());
            } finally {
                b.close();
                a.close();
            }
        } finally {
            dev.almanac.broker.EmbeddedBroker.deleteTree(state);
        }
    }

    private static Instance instance(KafkaCluster cluster, TopicCatalogue topics, Path state) throws Exception {
        int port = Fixtures.freePort();
        AlmanacConfig config = AlmanacConfig.defaults(cluster.bootstrapServers(), state).withApplicationId("q2i").withTopicPrefix("q2i")
                .withStandbyReplicas(1)
                .withQueryApi(new QueryApiConfig(port, "127.0.0.1", Optional.empty(), 10_000, Duration.ofSeconds(30)));
        Pipeline pipeline = new Pipeline(config, topics);
        QueryNode node = QueryNode.start(pipeline);
        return new Instance(pipeline, node, new QueryClient(node.url(), Optional.empty()), new HostInfo("127.0.0.1", port));
    }

    private static boolean running(Instance i) {
        return i.pipeline().streams().state() == KafkaStreams.State.RUNNING;
    }

    private static int ownedPartitions(Instance observer, TopicCatalogue topics, HostInfo host) {
        Collection<StreamsMetadata> all = observer.pipeline().streams().metadataForAllStreamsClients();
        int n = 0;
        for (StreamsMetadata m : all) {
            if (m.hostInfo().equals(host)) {
                for (TopicPartition tp : m.topicPartitions()) {
                    if (tp.topic().equals(topics.validObservations().name())) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static Map<ObservationKey, IndicatorObservation> latestOf(List<String> lines) {
        Map<ObservationKey, IndicatorObservation> latest = new LinkedHashMap<>();
        for (String l : lines) {
            IndicatorObservation o = ObservationJson.parse(l.getBytes(StandardCharsets.UTF_8));
            latest.merge(new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod()), o, (x, y) -> {
                int c = x.getPublished().compareTo(y.getPublished());
                return c > 0 || (c == 0 && x.getId().compareTo(y.getId()) > 0) ? x : y;
            });
        }
        return latest;
    }

    private static ObservationKey ownedBy(Instance observer, Collection<ObservationKey> keys, HostInfo host) {
        for (ObservationKey k : keys) {
            KeyQueryMetadata m = observer.pipeline().streams().queryMetadataForKey(FoundationTopology.LATEST_HISTORY_STORE, k,
                    new SeriesPartitioner<>());
            if (host.equals(m.activeHost())) {
                return k;
            }
        }
        throw new AssertionError("no key is owned by " + host);
    }

    private static void assertAnsweredBy(QueryClient client, ObservationKey key, IndicatorObservation expected, HostInfo owner) throws Exception {
        JsonNode r = client.query(String.format("SELECT value, id FROM latest WHERE indicator = '%s' AND region = '%s' AND period = '%s'",
                key.getIndicator(), key.getRegion(), key.getPeriod()));
        assertEquals(1, r.path("rows").size(), r.toString());
        assertEquals(expected.getValue(), r.path("rows").get(0).get(0).asDouble(), 1e-6);
        assertEquals(expected.getId(), r.path("rows").get(0).get(1).asText());
        assertEquals(1, r.path("instances").size(), r.path("instances").toString());
        JsonNode answered = r.path("instances").get(0);
        assertEquals(owner.host() + ":" + owner.port(), answered.path("instance").asText(), r.path("instances").toString());
        assertNotNull(answered.path("partitions").path(FoundationTopology.LATEST_HISTORY_STORE).get(0));
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }
}
