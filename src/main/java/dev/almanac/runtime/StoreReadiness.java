package dev.almanac.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * Waits until every partition of every store of a single-instance pipeline answers queries. Store
 * views ({@link Pipeline#keyValueStore}) silently leave out partitions whose task is restoring (after
 * a restart, a rebalance, or an exactly-once task that was reset after a producer error): reading a
 * table right after {@link CaughtUpCheck} without this wait can return part of it.
 */
public final class StoreReadiness {

    /** A query no store knows: a running store answers it with UNKNOWN_QUERY_TYPE at no cost. */
    private static final class Ping implements Query<Void> {
    }

    private StoreReadiness() {
    }

    /** Waits until both applications of {@code pipeline} run and all their store partitions are active and running here. */
    public static void await(Pipeline pipeline, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String bootstrap = pipeline.config().bootstrapServers();
        await(pipeline.streams(), pipeline.topology(), pipeline.config().applicationId(), bootstrap, deadline, timeout);
        await(pipeline.derivedStreams(), pipeline.derivedTopology(), Pipeline.derivedApplicationId(pipeline.config()), bootstrap,
                deadline, timeout);
    }

    private static void await(KafkaStreams streams, Topology topology, String applicationId, String bootstrap, Instant deadline,
                              Duration timeout) throws InterruptedException {
        Map<String, Integer> partitions = storePartitions(topology, applicationId, bootstrap);
        String[] waitingFor = {"RUNNING"};
        Waiting.until(() -> {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_ERROR) {
                throw new IllegalStateException("Kafka Streams " + applicationId + " stopped in state " + state);
            }
            if (state != KafkaStreams.State.RUNNING) {
                return false;
            }
            waitingFor[0] = firstNotReady(streams, partitions);
            return waitingFor[0] == null;
        }, Duration.between(Instant.now(), deadline), Duration.ofMillis(100),
                () -> applicationId + ": stores not queryable after " + timeout + " (waiting for " + waitingFor[0] + ")");
    }

    private static String firstNotReady(KafkaStreams streams, Map<String, Integer> partitions) {
        for (Map.Entry<String, Integer> e : partitions.entrySet()) {
            Set<Integer> wanted = IntStream.range(0, e.getValue()).boxed().collect(Collectors.toSet());
            StateQueryResult<Void> result = streams.query(StateQueryRequest.inStore(e.getKey()).withQuery(new Ping())
                    .withPartitions(wanted).requireActive());
            if (result.getGlobalResult() != null) {
                continue;
            }
            for (int p : wanted) {
                QueryResult<Void> r = result.getPartitionResults().get(p);
                if (r == null || (r.isFailure() && r.getFailureReason() != FailureReason.UNKNOWN_QUERY_TYPE)) {
                    return e.getKey() + " partition " + p;
                }
            }
        }
        return null;
    }

    /** Store name → number of partitions (tasks) of the sub-topology that holds it. */
    private static Map<String, Integer> storePartitions(Topology topology, String appId, String bootstrap) throws InterruptedException {
        Map<String, Set<String>> sourcesByStore = new HashMap<>();
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            Set<String> sources = new TreeSet<>();
            Set<String> stores = new TreeSet<>();
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    sources.addAll(src.topicSet());
                } else if (n instanceof TopologyDescription.Processor p) {
                    stores.addAll(p.stores());
                }
            }
            topics.addAll(sources);
            stores.forEach(st -> sourcesByStore.put(st, sources));
        }
        Map<String, Integer> counts = new HashMap<>();
        try (Admin admin = TopicAdmin.admin(bootstrap)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            // Internal topics (repartition) carry the application id as prefix on the broker.
            Set<String> names = topics.stream().map(t -> existing.contains(t) ? t : appId + "-" + t).collect(Collectors.toSet());
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            for (String t : topics) {
                TopicDescription d = described.get(existing.contains(t) ? t : appId + "-" + t);
                counts.put(t, d == null ? 1 : d.partitions().size());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the source topics: " + e.getMessage(), e);
        }
        Map<String, Integer> result = new HashMap<>();
        sourcesByStore.forEach((store, sources) -> result.put(store, sources.stream().mapToInt(counts::get).max().orElse(1)));
        return result;
    }
}
