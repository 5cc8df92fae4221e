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

    /**
     * Segments roll by size only ({@code segment.ms} at its maximum). A segment rolls when a record's timestamp
     * is {@code segment.ms} (default 7 days) past the segment's first record's timestamp, and Almanac's record
     * timestamps are publication times spread over years: with the default a partition rolled a new segment
     * every few batches, each roll a flush of the old files and three new ones, and each compacted one a pass
     * of the log cleaner (docs/performance.md, 2026-12-03).
     */
    public static final String SEGMENT_MS = String.valueOf(Long.MAX_VALUE);

    /**
     * The settings of a new Almanac topic. Record timestamps are publication times, often years old: time-based
     * retention would delete history at once. Streams of observations are the record of history (replay,
     * rebuild), so they are kept forever; tables are compacted.
     */
    public static Map<String, String> configs(boolean compacted) {
        Map.Entry<String, String> keep = compacted ? Map.entry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                : Map.entry(TopicConfig.RETENTION_MS_CONFIG, "-1");
        return Map.ofEntries(keep, Map.entry(TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS));
    }

    /** Creates every missing topic; existing ones are left as they are. */
    public static void ensureTopics(Admin admin, Collection<Topic<?, ?>> topics, int partitions, short replication)
            throws InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), partitions, replication).configs(configs(t.compacted())));
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
