package dev.almanac.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker (a child JVM) runs with the settings the pipeline's throughput depends on (docs/performance.md). */
class EmbeddedBrokerIT {

    @Test
    @Timeout(180)
    void shouldRunWithSmallIndexesAndABrokerSideWaitForTransactionMarkers(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"), true, Duration.ofSeconds(120));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(node)).all().get(60, TimeUnit.SECONDS).get(node);
            assertEquals(String.valueOf(EmbeddedBroker.INDEX_MAX_BYTES), config.get("log.index.size.max.bytes").value());
            assertEquals(String.valueOf(EmbeddedBroker.ADD_PARTITIONS_RETRY_MAX_MS),
                    config.get("add.partitions.to.txn.retry.backoff.max.ms").value());
        }
    }
}
