package dev.almanac.replay;

import dev.almanac.app.Settle;
import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Resets a Kafka Streams application so that it rebuilds every table from the beginning of its input
 * topics, like Kafka's application reset tool plus local state cleanup, with the Admin API:
 * <ul>
 *   <li>the application's consumer group is deleted, then its input topics' offsets are set to their
 *       beginning (so nothing depends on {@code auto.offset.reset});</li>
 *   <li>its internal topics (store changelogs, repartition topics) are deleted;</li>
 *   <li>its local state ({@code <state dir>/<application id>}) is deleted;</li>
 *   <li>the topics it writes (derived topics, the dead-letter topic, the valid-observations topic) are
 *       deleted and recreated empty with the same partitions and topic configs, or, when kept, left
 *       as they are while the topics it also reads back are skipped to their end.</li>
 * </ul>
 * The topic roles come from the topology itself: a topic it only reads is an input, a topic it
 * writes is derived, a topic it writes and reads is intermediate. Internal topic names are computed
 * from the topology's store and topic names, so a rebuild's topics (another application id that
 * shares the prefix) are never touched. It refuses while the group has active members.
 */
public final class ApplicationReset {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ApplicationReset() {
    }

    /**
     * What a reset will do.
     *
     * @param bootstrapServers the cluster
     * @param applicationId the application (and consumer group) id
     * @param groupExists whether the group has committed offsets or members
     * @param inputTopics existing topics the application only reads: rewound to their beginning
     * @param internalTopics existing internal topics: deleted
     * @param localState the application's local state directory
     * @param localStateExists whether it exists
     * @param derivedTopics existing topics the application writes: deleted and recreated unless kept
     * @param intermediateTopics derived topics the application also reads back
     * @param keepDerivedTopics keep the derived topics
     */
    public record Plan(String bootstrapServers, String applicationId, boolean groupExists, Set<String> inputTopics,
                       Set<String> internalTopics, Path localState, boolean localStateExists, Set<String> derivedTopics,
                       Set<String> intermediateTopics, boolean keepDerivedTopics) {

        /** Whether there is anything to delete. */
        public boolean empty() {
            return !groupExists && internalTopics.isEmpty() && !localStateExists && (keepDerivedTopics || derivedTopics.isEmpty());
        }

        /** A readable account of what will be deleted and what is kept. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append("Reset of application '").append(applicationId).append("' on ").append(bootstrapServers)
                    .append(": every table is rebuilt from the beginning of the input topics.\n");
            sb.append("Deletes:\n");
            sb.append("  consumer group offsets  ").append(groupExists ? "group '" + applicationId + "'" : "(none: group '" + applicationId + "' has no offsets)")
                    .append(inputTopics.isEmpty() ? "" : "; then " + String.join(", ", inputTopics) + " start again at offset 0 (their beginning)")
                    .append('\n');
            sb.append("  internal topics         ").append(internalTopics.isEmpty() ? "(none exist)" : String.join(", ", internalTopics)).append('\n');
            sb.append("  local state             ").append(localState).append(localStateExists ? "" : " (does not exist)").append('\n');
            if (keepDerivedTopics) {
                sb.append("Keeps (--keep-derived-topics):\n");
                sb.append("  derived topics          ").append(derivedTopics.isEmpty() ? "(none exist)" : String.join(", ", derivedTopics))
                        .append(": the rebuilt rows are appended (compaction keeps the newest per key)").append('\n');
                if (!intermediateTopics.isEmpty()) {
                    sb.append("  ").append(String.join(", ", intermediateTopics))
                            .append(": read again only from its current end (its old records are not processed twice)\n");
                }
            } else {
                sb.append("  derived topics          ").append(derivedTopics.isEmpty() ? "(none exist)" : String.join(", ", derivedTopics))
                        .append(" (deleted and recreated empty, same partitions and configs)\n");
            }
            sb.append("Keeps: the input topics").append(inputTopics.isEmpty() ? "" : " " + String.join(", ", inputTopics))
                    .append(" and everything in them (bad records reach the dead-letter topic again when reprocessed).\n");
            return sb.toString();
        }
    }

    /**
     * The topics Kafka Streams creates for {@code topology} under {@code applicationId}: one changelog per
     * store, plus every topic the topology reads or writes that is not in the catalogue (repartition and
     * foreign-key subscription topics). Some changelogs may not exist (logging disabled).
     */
    public static Set<String> internalTopicNames(String applicationId, Topology topology, TopicCatalogue catalogue) {
        Set<String> catalogued = names(catalogue.all());
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(store -> names.add(applicationId + "-" + store + "-changelog"));
                } else if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    src.topicSet().stream().filter(t -> !catalogued.contains(t)).forEach(t -> names.add(applicationId + "-" + t));
                } else if (n instanceof TopologyDescription.Sink sink && sink.topic() != null && !catalogued.contains(sink.topic())) {
                    names.add(applicationId + "-" + sink.topic());
                }
            }
        }
        return names;
    }

    /** Catalogue topics the topology reads and does not write. */
    public static Set<String> inputTopics(Topology topology, TopicCatalogue catalogue) {
        Set<String> in = new TreeSet<>(sources(topology));
        in.removeAll(sinks(topology));
        in.retainAll(names(catalogue.all()));
        return in;
    }

    /** Catalogue topics the topology writes. */
    public static Set<String> derivedTopics(Topology topology, TopicCatalogue catalogue) {
        Set<String> out = new TreeSet<>(sinks(topology));
        out.retainAll(names(catalogue.all()));
        return out;
    }

    /** Catalogue topics the topology writes and reads back. */
    public static Set<String> intermediateTopics(Topology topology, TopicCatalogue catalogue) {
        Set<String> both = derivedTopics(topology, catalogue);
        both.retainAll(sources(topology));
        return both;
    }

    /** The members of {@code groupId}, as {@code clientId@host}; empty when the group is empty or does not exist. */
    public static List<String> activeMembers(Admin admin, String groupId) throws InterruptedException {
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

    /** Looks at the cluster and the disk and says what a reset would do; changes nothing. */
    public static Plan plan(Admin admin, String bootstrapServers, String applicationId, Path stateDir, Topology topology,
                            TopicCatalogue catalogue, boolean keepDerivedTopics) throws InterruptedException {
        Set<String> existing = call(() -> admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Set<String> internal = new TreeSet<>(internalTopicNames(applicationId, topology, catalogue));
        internal.retainAll(existing);
        Set<String> inputs = new TreeSet<>(inputTopics(topology, catalogue));
        inputs.retainAll(existing);
        Set<String> derived = new TreeSet<>(derivedTopics(topology, catalogue));
        derived.retainAll(existing);
        Set<String> intermediate = new TreeSet<>(intermediateTopics(topology, catalogue));
        intermediate.retainAll(existing);
        Path local = stateDir.resolve(applicationId);
        return new Plan(bootstrapServers, applicationId, groupExists(admin, applicationId), inputs, internal, local,
                Files.exists(local), derived, intermediate, keepDerivedTopics);
    }

    /**
     * Carries out a plan. Re-checks that the group has no members right before deleting it.
     *
     * @param catalogue for the compaction setting of recreated topics
     * @param log told about each step
     * @throws ActiveMembersException when the application is running
     */
    public static void execute(Admin admin, Plan plan, TopicCatalogue catalogue, Consumer<String> log) throws InterruptedException {
        List<String> members = activeMembers(admin, plan.applicationId());
        if (!members.isEmpty()) {
            throw new ActiveMembersException(plan.applicationId(), members);
        }
        awaitTransactionsCompleted(admin, plan.applicationId());
        if (plan.groupExists()) {
            try {
                admin.deleteConsumerGroups(List.of(plan.applicationId())).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                log.accept("deleted consumer group " + plan.applicationId());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupNotEmptyException) {
                    throw new ActiveMembersException(plan.applicationId(), List.of("(a member joined during the reset)"));
                }
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new IllegalStateException("cannot delete group " + plan.applicationId() + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
            }
        }
        if (!plan.internalTopics().isEmpty()) {
            deleteTopics(admin, plan.internalTopics());
            log.accept("deleted internal topics " + String.join(", ", plan.internalTopics()));
        }
        if (!plan.keepDerivedTopics() && !plan.derivedTopics().isEmpty()) {
            recreate(admin, plan.derivedTopics(), catalogue);
            log.accept("recreated empty " + String.join(", ", plan.derivedTopics()));
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        offsets.putAll(offsets(admin, plan.inputTopics(), OffsetSpec.earliest()));
        if (plan.keepDerivedTopics()) {
            offsets.putAll(offsets(admin, plan.intermediateTopics(), OffsetSpec.latest()));
        }
        if (!offsets.isEmpty()) {
            call(() -> admin.alterConsumerGroupOffsets(plan.applicationId(), offsets).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            log.accept("set offsets of group " + plan.applicationId() + ": " + String.join(", ", plan.inputTopics()) + " to the beginning"
                    + (plan.keepDerivedTopics() && !plan.intermediateTopics().isEmpty()
                    ? ", " + String.join(", ", plan.intermediateTopics()) + " to the end" : ""));
        }
        if (Files.exists(plan.localState())) {
            EmbeddedBroker.deleteTree(plan.localState());
            if (Files.exists(plan.localState())) {
                throw new IllegalStateException("could not delete " + plan.localState() + " (is a pipeline using it?)");
            }
            log.accept("deleted local state " + plan.localState());
        }
    }

    /**
     * A stopped exactly-once application's last commit completes asynchronously (markers, then its
     * offsets); offsets reset before that would be overwritten by the committed ones.
     */
    private static void awaitTransactionsCompleted(Admin admin, String applicationId) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        Object monitor = new Object();
        while (true) {
            List<String> open = call(() -> Settle.openTransactions(admin, applicationId));
            if (open.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("transactions of " + applicationId + " still open after " + TIMEOUT + ": " + open);
            }
            synchronized (monitor) {
                monitor.wait(100);
            }
        }
    }

    /** The application is running: its group has members. */
    public static final class ActiveMembersException extends RuntimeException {
        public ActiveMembersException(String applicationId, List<String> members) {
            super("application '" + applicationId + "' is running (" + members.size() + " active member"
                    + (members.size() == 1 ? "" : "s") + ": " + String.join(", ", members)
                    + "); stop the pipeline first ('almanac run' / 'almanac demo': Ctrl-C), then reset"
                    + " (a pipeline killed without a clean stop stays listed until its session times out, 45 s by default)", null, false, false);
        }
    }

    private static boolean groupExists(Admin admin, String groupId) throws InterruptedException {
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

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin, Set<String> topics, OffsetSpec spec)
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

    private static void recreate(Admin admin, Set<String> topics, TopicCatalogue catalogue) throws InterruptedException {
        Map<String, TopicDescription> described = call(() -> admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = call(() -> admin.describeConfigs(resources).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Map<String, Boolean> compacted = new HashMap<>();
        catalogue.all().forEach(t -> compacted.put(t.name(), t.compacted()));
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
            if (Boolean.TRUE.equals(compacted.get(t))) {
                keep.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            fresh.add(new NewTopic(t, d.partitions().size(), replication).configs(keep));
        }
        deleteTopics(admin, topics);
        Instant deadline = Instant.now().plus(TIMEOUT);
        Object monitor = new Object();
        List<NewTopic> pending = new ArrayList<>(fresh);
        while (!pending.isEmpty()) {
            var futures = admin.createTopics(pending).values();
            List<NewTopic> retry = new ArrayList<>();
            for (NewTopic nt : pending) {
                try {
                    futures.get(nt.name()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // A deleted topic's name stays taken until the deletion has completed everywhere.
                    if (!(e.getCause() instanceof TopicExistsException) || Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("cannot recreate " + nt.name() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                    retry.add(nt);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
                }
            }
            pending = retry;
            if (!pending.isEmpty()) {
                synchronized (monitor) {
                    monitor.wait(200);
                }
            }
        }
    }

    /** Deletes topics and waits until they are gone. */
    private static void deleteTopics(Admin admin, Collection<String> topics) throws InterruptedException {
        try {
            admin.deleteTopics(topics).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new IllegalStateException("cannot delete " + topics + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
        }
        Instant deadline = Instant.now().plus(TIMEOUT);
        Object monitor = new Object();
        while (true) {
            Set<String> existing = call(() -> admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            if (topics.stream().noneMatch(existing::contains)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("topics " + topics + " still exist " + TIMEOUT + " after their deletion");
            }
            synchronized (monitor) {
                monitor.wait(100);
            }
        }
    }

    private static Set<String> sources(Topology topology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    topics.addAll(src.topicSet());
                }
            }
        }
        for (TopologyDescription.GlobalStore g : topology.describe().globalStores()) {
            if (g.source().topicSet() != null) {
                topics.addAll(g.source().topicSet());
            }
        }
        return topics;
    }

    private static Set<String> sinks(Topology topology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    topics.add(sink.topic());
                }
            }
        }
        return topics;
    }

    private static Set<String> names(Collection<Topic<?, ?>> topics) {
        Set<String> names = new TreeSet<>();
        topics.forEach(t -> names.add(t.name()));
        return names;
    }

    private interface AdminCall<T> {
        T get() throws ExecutionException, TimeoutException, InterruptedException;
    }

    private static <T> T call(AdminCall<T> c) throws InterruptedException {
        try {
            return c.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT, e);
        }
    }
}
