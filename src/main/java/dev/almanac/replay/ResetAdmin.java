package dev.almanac.replay;

import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.runtime.Waiting;
import dev.almanac.kafka.Topic;
import dev.almanac.runtime.TopicAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The Admin API calls of a reset, each bounded by a timeout and turning failures into one readable exception. */
final class ResetAdmin {

    private ResetAdmin() {
    }

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The members of {@code groupId}, as {@code clientId@host}; empty when the group is empty or does not exist. */
    static List<String> activeMembers(Admin admin, String groupId) throws InterruptedException {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(groupId)).all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(groupId);
            List<String> members = new ArrayList<>();
            if (d != null) {
                for (MemberDescription m : d.members()) {
                    members.add(m.clientId() + "@" + m.host());
                }
            }
            return members;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw new IllegalStateException("cannot describe group " + groupId + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
        }
    }

    static void deleteGroup(Admin admin, String groupId) throws InterruptedException {
        try {
            admin.deleteConsumerGroups(List.of(groupId)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException) {
                throw new ApplicationReset.ActiveMembersException(groupId, List.of("(a member joined during the reset)"));
            }
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new IllegalStateException("cannot delete group " + groupId + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
        }
    }

    /**
     * A stopped exactly-once application's last commit completes asynchronously (markers, then its
     * offsets); offsets reset before that would be overwritten by the committed ones.
     */
    static void awaitTransactionsCompleted(Admin admin, String applicationId) throws InterruptedException {
        List<List<String>> open = new ArrayList<>(List.of(List.of()));
        Waiting.until(() -> {
            open.set(0, call(() -> CaughtUpCheck.openTransactions(admin, applicationId)));
            return open.get(0).isEmpty();
        }, TIMEOUT, Duration.ofMillis(100), () -> "transactions of " + applicationId + " still open after " + TIMEOUT + ": " + open.get(0));
    }

    static boolean groupExists(Admin admin, String groupId) throws InterruptedException {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(groupId)).all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(groupId);
            if (d != null && d.groupState() != GroupState.DEAD) {
                return true;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return !committed.isEmpty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw new IllegalStateException("cannot describe group " + groupId + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
        }
    }

    static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin, Set<String> topics, OffsetSpec spec)
            throws InterruptedException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<String, TopicDescription> described = call(() -> admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), spec)));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
                call(() -> admin.listOffsets(request).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        found.forEach((tp, info) -> result.put(tp, new OffsetAndMetadata(info.offset())));
        return result;
    }

    static void recreate(Admin admin, Set<String> topics, Collection<Topic<?, ?>> pipelineTopics) throws InterruptedException {
        Map<String, TopicDescription> described = call(() -> admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = call(() -> admin.describeConfigs(resources).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Map<String, Boolean> compacted = new HashMap<>();
        pipelineTopics.forEach(t -> compacted.put(t.name(), t.compacted()));
        List<NewTopic> fresh = new ArrayList<>();
        for (String t : topics) {
            TopicDescription d = described.get(t);
            short replication = (short) d.partitions().get(0).replicas().size();
            Map<String, String> keep = new HashMap<>();
            for (ConfigEntry e : configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t)).entries()) {
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && e.value() != null) {
                    keep.put(e.name(), e.value());
                }
            }
            Boolean table = compacted.get(t);
            if (table != null) {
                // A topic created by an older Almanac lacks settings added since (segment.ms): the recreated one
                // gets them, while every setting the topic had stays as it was, except that a table stays compacted.
                TopicAdmin.configs(table).forEach(keep::putIfAbsent);
                if (table) {
                    keep.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
                }
            }
            fresh.add(new NewTopic(t, d.partitions().size(), replication).configs(keep));
        }
        deleteTopics(admin, topics);
        List<NewTopic> pending = new ArrayList<>(fresh);
        Waiting.until(() -> {
            var futures = admin.createTopics(pending).values();
            List<NewTopic> retry = new ArrayList<>();
            for (NewTopic nt : pending) {
                try {
                    futures.get(nt.name()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // A deleted topic's name stays taken until the deletion has completed everywhere: try again.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot recreate " + nt.name() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                    retry.add(nt);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
                }
            }
            pending.clear();
            pending.addAll(retry);
            return pending.isEmpty();
        }, TIMEOUT, Duration.ofMillis(200), () -> "cannot recreate " + pending.stream().map(NewTopic::name).toList()
                + ": their names were still taken " + TIMEOUT + " after their deletion");
    }

    /** Deletes topics and waits until they are gone. */
    static void deleteTopics(Admin admin, Collection<String> topics) throws InterruptedException {
        try {
            admin.deleteTopics(topics).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new IllegalStateException("cannot delete " + topics + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
        }
        Waiting.until(() -> {
            Set<String> existing = call(() -> admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            return topics.stream().noneMatch(existing::contains);
        }, TIMEOUT, Duration.ofMillis(100), () -> "topics " + topics + " still exist " + TIMEOUT + " after their deletion");
    }

    interface AdminCall<T> {
        T get() throws ExecutionException, TimeoutException, InterruptedException;
    }

    static <T> T call(AdminCall<T> c) throws InterruptedException {
        try {
            return c.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
        }
    }
}
