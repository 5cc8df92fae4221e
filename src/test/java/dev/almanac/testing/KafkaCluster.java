package dev.almanac.testing;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real in-JVM KRaft cluster for integration tests, with single-replica internal topics so
 * transactions (exactly-once) work. {@link #start(int)} runs brokers beside one dedicated controller;
 * {@link #startCombined()} runs one node that is both; {@link #startReplicated(int)} runs brokers
 * that replicate everything (internal topics included), for broker-loss tests that stop one broker
 * ({@link #stopBroker(int)}) and start it again ({@link #startBroker(int)}).
 */
public final class KafkaCluster implements AutoCloseable {

    private final KafkaClusterTestKit kit;

    private KafkaCluster(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    /** Formats and starts a cluster with {@code brokers} brokers and one controller; returns once brokers are ready. */
    public static KafkaCluster start(int brokers) throws Exception {
        return start(new TestKitNodes.Builder()
                .setCombined(false)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build());
    }

    /**
     * Formats and starts one node that is broker and controller at once. The registry ITs use it: the
     * embedded registry creates its topic and reads it back at once, and on a combined node the new
     * topic's metadata is there when the broker answers; with a separate controller it reaches the
     * broker a moment later, which those tests' timings did not allow for.
     */
    public static KafkaCluster startCombined() throws Exception {
        return start(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build());
    }

    /**
     * Formats and starts {@code brokers} brokers (at least 3) beside one dedicated controller, every
     * internal topic with replication factor 3 and {@code min.insync.replicas} 2 (the production
     * setting): the cluster keeps accepting writes, transactions and commits with one broker down.
     */
    public static KafkaCluster startReplicated(int brokers) throws Exception {
        if (brokers < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 brokers");
        }
        return start(new TestKitNodes.Builder()
                .setCombined(false)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build(), 3);
    }

    private static KafkaCluster start(TestKitNodes nodes) throws Exception {
        return start(nodes, 1);
    }

    private static KafkaCluster start(TestKitNodes nodes, int replication) throws Exception {
        String rf = Integer.toString(replication);
        String minIsr = Integer.toString(Math.min(2, replication));
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", rf)
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", rf)
                .setConfigProp("transaction.state.log.min.isr", minIsr)
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("default.replication.factor", rf)
                .setConfigProp("min.insync.replicas", minIsr)
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
        } catch (Exception e) {
            kit.close();
            throw e;
        }
        return new KafkaCluster(kit);
    }

    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** Client properties that reach the cluster, in a new mutable map that callers add their own to. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** An Admin client for the cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientConfig());
    }

    /** The broker ids, in order. */
    public java.util.List<Integer> brokerIds() {
        return kit.brokers().keySet().stream().sorted().toList();
    }

    /** Shuts broker {@code id} down (its partitions' leadership moves to the others) and waits until it is down. */
    public void stopBroker(int id) {
        kafka.server.BrokerServer broker = kit.brokers().get(id);
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** Starts broker {@code id} again after {@link #stopBroker(int)}, with its data directory as it was. */
    public void startBroker(int id) {
        kit.brokers().get(id).startup();
    }

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
