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
 * {@link #startCombined()} runs one node that is both.
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

    private static KafkaCluster start(TestKitNodes nodes) throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
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

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
