package dev.almanac.reliability;

import dev.almanac.testing.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.cli.Main;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.kafka.TableReader;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.Rejection;
import dev.almanac.replay.HistoryGenerator;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryApiConfig;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.KafkaCluster;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker loss while ingesting: three brokers beside a separate controller, every topic with replication
 * factor 3 and {@code min.insync.replicas} 2. While a paced replay feeds the pipeline, the broker leading
 * the busiest partitions is shut down; the pipeline keeps going on the other two, and once the broker is
 * back and everything is processed, the tables are exact: the latest table equals the one computed
 * directly from the lines, and every line is in the valid or the dead-letter topic exactly once.
 */
class BrokerLossIT {

    static final long SEED = 20261203L;

    @Test
    @Timeout(600)
    void shouldKeepIngestingAndEndWithExactTablesWhenTheBusiestLeaderIsStopped(@TempDir Path dir) throws Exception {
        StringWriter generated = new StringWriter();
        HistoryGenerator.Stats stats = new HistoryGenerator(new HistoryGenerator.Spec(75, 5, SEED, 0.02)).write(generated);
        List<String> lines = new ArrayList<>(generated.toString().lines().toList());
        Collections.shuffle(lines, new Random(SEED));
        Path history = dir.resolve("history.jsonl");
        Files.write(history, lines, StandardCharsets.UTF_8);

        try (KafkaCluster cluster = KafkaCluster.startReplicated(3)) {
            String bootstrap = cluster.bootstrapServers();
            AlmanacConfig config = new AlmanacConfig(bootstrap, "loss3", "loss3", true, dir.resolve("state"), 4, (short) 3, 0,
                    Optional.empty(), Duration.ofMillis(100), QueryApiConfig.defaults());
            TopicCatalogue topics = TopicCatalogue.create("loss3", new AvroSerdes(new LocalSchemaRegistry()));
            try (Pipeline pipeline = new Pipeline(config, topics).start(Duration.ofMinutes(3)); Admin admin = cluster.admin()) {
                long t0 = System.nanoTime();
                // Paced, so that records are still arriving while the broker is down.
                CompletableFuture<Integer> replay = CompletableFuture.supplyAsync(() -> Main.execute("replay", "--file", history.toString(),
                        "--rate", "600/s", "--bootstrap-servers", bootstrap, "--topic-prefix", "loss3", "--replication-factor", "3"));
                String raw = topics.rawObservations().name();
                Awaitility.await("a third of the lines processed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> committed(admin, "loss3", raw) >= lines.size() / 3);

                Map<Integer, Long> load = leaderLoad(admin, List.of(raw, topics.validObservations().name(), topics.latest().name(),
                        topics.current().name()));
                int victim = load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                long stopAt = committed(admin, "loss3", raw);
                long s0 = System.nanoTime();
                cluster.stopBroker(victim);
                double stopSeconds = (System.nanoTime() - s0) / 1e9;

                // The pipeline goes on with two brokers: it processes a further sixth of the lines before the broker returns.
                long target = Math.min(stopAt + lines.size() / 6, lines.size());
                long d0 = System.nanoTime();
                Awaitility.await("progress with broker " + victim + " down").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> committed(admin, "loss3", raw) >= target);
                double downSeconds = (System.nanoTime() - d0) / 1e9;
                long processedWhileDown = committed(admin, "loss3", raw) - stopAt;
                cluster.startBroker(victim);

                assertEquals(0, replay.get(), "replay");
                pipeline.awaitSettled(Duration.ofMinutes(5));
                double seconds = (System.nanoTime() - t0) / 1e9;

                assertEquals(KafkaStreams.State.RUNNING, pipeline.streams().state());
                assertEquals(KafkaStreams.State.RUNNING, pipeline.derivedStreams().state());
                ValidationCounts counts = pipeline.validationCounts();
                assertEquals(lines.size(), counts.read(), "every line read once");
                assertEquals(stats.bad(), counts.rejected(), "exactly the bad lines rejected");
                long valid = ProcessCrashIT.countCommitted(bootstrap, topics.validObservations().name());
                long rejected = ProcessCrashIT.countCommitted(bootstrap, topics.rejectedObservations().name());
                assertEquals(lines.size(), valid + rejected, "valid + dead-lettered = lines, nothing twice");

                Map<String, String> expected = Fixtures.expectedLatest(lines);
                Map<String, String> store = new TreeMap<>();
                pipeline.latestHistory().table().forEach((k, v) -> store.put(k.toString(), v.toString()));
                assertEquals(expected, store, "latest table store");
                Map<String, String> topic = new TreeMap<>();
                TableReader.read(bootstrap, topics.latest(), Duration.ofMinutes(1)).forEach((k, v) -> topic.put(k.toString(), v.toString()));
                assertEquals(expected, topic, "latest table topic");

                System.out.printf("BrokerLossIT: 3 brokers + 1 controller, RF 3, min.insync.replicas 2; seed %d, %,d lines (%,d bad),"
                                + " replayed at 600/s; broker %d (leader of %s records of the busiest partitions, per broker %s) stopped at"
                                + " %,d processed lines (shutdown %.1f s); %,d more lines processed in %.1f s with it down; restarted;"
                                + " %,d rows in latest equal to the direct computation; valid %,d + dead-lettered %,d = %,d; %.0f s%n",
                        SEED, lines.size(), stats.bad(), victim, load.get(victim), load, stopAt, stopSeconds, processedWhileDown, downSeconds,
                        expected.size(), valid, rejected, valid + rejected, seconds);
                assertTrue(processedWhileDown > 0);
            }
        }
    }

    /** For each broker, the records in the partitions it leads now. */
    private static Map<Integer, Long> leaderLoad(Admin admin, List<String> topics) throws Exception {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
        Map<TopicPartition, Integer> leaders = new HashMap<>();
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (TopicDescription d : described.values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                leaders.put(tp, p.leader().id());
                ask.put(tp, OffsetSpec.latest());
            }
        }
        Map<Integer, Long> load = new TreeMap<>();
        admin.listOffsets(ask).all().get().forEach((tp, o) -> load.merge(leaders.get(tp), o.offset(), Long::sum));
        return load;
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
    }
}
