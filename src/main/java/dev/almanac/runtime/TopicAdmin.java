package dev.almanac.runtime;

import dev.almanac.kafka.ClusterAccess;
import dev.almanac.kafka.Topic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates Almanac's topics when they are missing: tables compacted, streams kept forever ({@code retention.ms=-1}). */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /** An admin client for {@code bootstrapServers} (plaintext, default settings). */
    public static Admin admin(String bootstrapServers) {
        return admin(ClusterAccess.of(bootstrapServers));
    }

    /** An admin client for the cluster, with the operator's client settings. */
    public static Admin admin(ClusterAccess cluster) {
        Properties p = cluster.properties();
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(p);
    }

    /** Creates every missing topic; existing ones are left as they are. */
    public static void ensureTopics(Admin admin, Collection<Topic<?, ?>> topics, int partitions, short replication)
            throws InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> t : topics) {
                if (!existing.contains(t.name())) {
                    NewTopic nt = new NewTopic(t.name(), partitions, replication);
                    // Record timestamps are publication times, often years old: time-based retention would
                    // delete history at once. Streams of observations are the record of history (replay,
                    // rebuild), so they are kept forever; tables are compacted.
                    nt.configs(t.compacted()
                            ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                            : Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
                    missing.add(nt);
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topics: the cluster did not answer within the timeout", e);
        }
    }
}
