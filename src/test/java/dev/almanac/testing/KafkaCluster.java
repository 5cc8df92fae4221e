package dev.almanac.testing;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real in-JVM KRaft cluster for integration tests: one broker and one dedicated controller, with
 * single-replica internal topics so transactions (exactly-once) work.
 */
public final class KafkaCluster implements AutoCloseable {

    private final KafkaClusterTestKit kit;

    private KafkaCluster(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    /** Formats and starts a cluster with {@code brokers} brokers and one controller; returns once brokers are ready. */
    public static KafkaCluster start(int brokers) throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build())
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

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
