package dev.almanac.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link KafkaCluster} shared by all tests of a class: started before the first, closed after the
 * last. Register it on a static field: {@code @RegisterExtension static final KafkaClusterExtension kafka = new KafkaClusterExtension(1);}
 */
public final class KafkaClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private final int brokers;
    private KafkaCluster cluster;

    public KafkaClusterExtension(int brokers) {
        this.brokers = brokers;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = KafkaCluster.start(brokers);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    /** The running cluster. */
    public KafkaCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster runs from before the first test of the class until after the last");
        }
        return cluster;
    }

    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }
}
