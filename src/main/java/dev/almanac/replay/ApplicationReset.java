package dev.almanac.replay;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.runtime.Waiting;
import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.derived.DerivedTopics;
import dev.almanac.derived.DerivedTopology;
import dev.almanac.derived.definition.DerivedDefinitions;
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
import java.util.Optional;
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
 * Resets the pipeline's Kafka Streams applications (the foundation {@code <id>} and the derived
 * tables {@code <id>-derived}) so that they rebuild every table from the beginning of their input
 * topics, like Kafka's application reset tool plus local state cleanup, with the Admin API:
 * <ul>
 *   <li>each application's consumer group is deleted, then its input topics' offsets are set to
 *       their beginning (so nothing depends on {@code auto.offset.reset});</li>
 *   <li>its internal topics (store changelogs, repartition and subscription topics) are deleted;</li>
 *   <li>its local state ({@code <state dir>/<application id>}) is deleted;</li>
 *   <li>the topics the applications write (derived tables, dead-letter topics, the valid-observations
 *       topic) are deleted and recreated empty with the same partitions and topic configs, or, when
 *       kept, left as they are while the applications skip them to their end where they read them.</li>
 * </ul>
 * Topic roles come from the topologies: a pipeline topic no application writes is an input, one
 * some application writes is derived. Internal topic names are computed from each topology's store
 * and topic names, so the topics of a rebuild (another application id sharing the prefix) are never
 * touched. It refuses while any of the groups has active members.
 */
public final class ApplicationReset {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ApplicationReset() {
    }

    /**
     * One Kafka Streams application of the pipeline.
     *
     * @param applicationId its application id (= consumer group id)
     * @param topology its topology
     */
    public record App(String applicationId, Topology topology) {
    }

    /**
     * What a reset does to one application.
     *
     * @param applicationId the application (and consumer group) id
     * @param groupExists whether the group has committed offsets or members
     * @param inputTopics existing topics it reads that no application writes: rewound to their beginning
     * @param intermediateTopics existing topics it reads that an application writes: skipped to their end when kept
     * @param internalTopics existing internal topics: deleted
     * @param localState its local state directory
     * @param localStateExists whether it exists
     */
    public record AppPlan(String applicationId, boolean groupExists, Set<String> inputTopics, Set<String> intermediateTopics,
                          Set<String> internalTopics, Path localState, boolean localStateExists) {

        boolean empty() {
            return !groupExists && internalTopics.isEmpty() && !localStateExists;
        }
    }

    /**
     * What a reset will do.
     *
     * @param bootstrapServers the cluster
     * @param apps what happens to each application
     * @param derivedTopics existing topics the applications write: deleted and recreated unless kept
     * @param keepDerivedTopics keep the derived topics
     */
    public record Plan(String bootstrapServers, List<AppPlan> apps, Set<String> derivedTopics, boolean keepDerivedTopics) {

        /** Whether there is anything to delete. */
        public boolean empty() {
            return apps.stream().allMatch(AppPlan::empty) && (keepDerivedTopics || derivedTopics.isEmpty());
        }

        /** Every input topic of every application. */
        public Set<String> inputTopics() {
            Set<String> all = new TreeSet<>();
            apps.forEach(a -> all.addAll(a.inputTopics()));
            return all;
        }

        /** A readable account of what will be deleted and what is kept. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append("Reset on ").append(bootstrapServers).append(": every table is rebuilt from the beginning of the input topics.\n");
            for (AppPlan a : apps) {
                sb.append("Application '").append(a.applicationId()).append("' - deletes:\n");
                sb.append("  consumer group offsets  ").append(a.groupExists() ? "group '" + a.applicationId() + "'" : "(none: the group has no offsets)")
                        .append(a.inputTopics().isEmpty() ? "" : "; then " + String.join(", ", a.inputTopics()) + " are read again from their beginning")
                        .append('\n');
                sb.append("  internal topics         ").append(a.internalTopics().isEmpty() ? "(none exist)" : String.join(", ", a.internalTopics())).append('\n');
                sb.append("  local state             ").append(a.localState()).append(a.localStateExists() ? "" : " (does not exist)").append('\n');
            }
            if (keepDerivedTopics) {
                sb.append("Keeps (--keep-derived-topics) the derived topics ").append(derivedTopics.isEmpty() ? "(none exist)" : String.join(", ", derivedTopics))
                        .append(": the rebuilt rows are appended (compaction keeps the newest per key); where an application reads one,")
                        .append(" it starts at the current end, so old records are not processed twice.\n");
            } else {
                sb.append("Deletes and recreates empty (same partitions and configs) the derived topics:\n  ")
                        .append(derivedTopics.isEmpty() ? "(none exist)" : String.join(", ", derivedTopics)).append('\n');
            }
            sb.append("Keeps the input topics").append(inputTopics().isEmpty() ? "" : " " + String.join(", ", inputTopics()))
                    .append(" and everything in them (bad records reach the dead-letter topics again when reprocessed).\n");
            return sb.toString();
        }
    }

    /** The pipeline's applications: the foundation (with an optional cutoff) and the derived tables. */
    public static List<App> applications(AlmanacConfig config, TopicCatalogue topics, DerivedDefinitions definitions,
                                         Optional<Instant> publishedUpTo) {
        String derivedId = Pipeline.derivedApplicationId(config);
        return List.of(new App(config.applicationId(), Pipeline.topology(topics, publishedUpTo)),
                new App(derivedId, DerivedTopology.build(topics, definitions, Pipeline.streamsProperties(config, derivedId))));
    }

    /** Every non-internal topic of the pipeline: the catalogue's and the derived tables'. */
    public static List<Topic<?, ?>> pipelineTopics(TopicCatalogue topics, DerivedDefinitions definitions) {
        List<Topic<?, ?>> all = new ArrayList<>(topics.all());
        all.addAll(DerivedTopics.all(topics, definitions));
        return all;
    }

    /**
     * The topics Kafka Streams creates for {@code topology} under {@code applicationId}: one changelog per
     * store, plus every topic the topology reads or writes that is not a pipeline topic (repartition and
     * foreign-key subscription topics). Some changelogs may not exist (logging disabled).
     */
    public static Set<String> internalTopicNames(String applicationId, Topology topology, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> named = names(pipelineTopics);
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology s : topology.describe().subtopologies()) {
            for (TopologyDescription.Node n : s.nodes()) {
                if (n instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(store -> names.add(applicationId + "-" + store + "-changelog"));
                } else if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    src.topicSet().stream().filter(t -> !named.contains(t)).forEach(t -> names.add(applicationId + "-" + t));
                } else if (n instanceof TopologyDescription.Sink sink && sink.topic() != null && !named.contains(sink.topic())) {
                    names.add(applicationId + "-" + sink.topic());
                }
            }
        }
        return names;
    }

    /** Pipeline topics some application writes. */
    public static Set<String> derivedTopics(List<App> apps, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> out = new TreeSet<>();
        apps.forEach(a -> out.addAll(sinks(a.topology())));
        out.retainAll(names(pipelineTopics));
        return out;
    }

    /** Pipeline topics {@code app} reads that no application writes. */
    public static Set<String> inputTopics(App app, List<App> apps, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> in = new TreeSet<>(sources(app.topology()));
        in.retainAll(names(pipelineTopics));
        in.removeAll(derivedTopics(apps, pipelineTopics));
        return in;
    }

    /** Pipeline topics {@code app} reads that some application writes. */
    public static Set<String> intermediateTopics(App app, List<App> apps, Collection<Topic<?, ?>> pipelineTopics) {
        Set<String> both = new TreeSet<>(sources(app.topology()));
        both.retainAll(derivedTopics(apps, pipelineTopics));
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

    /** Throws when any application has active members. */
    public static void requireStopped(Admin admin, List<App> apps) throws InterruptedException {
        for (App a : apps) {
            List<String> members = activeMembers(admin, a.applicationId());
            if (!members.isEmpty()) {
                throw new ActiveMembersException(a.applicationId(), members);
            }
        }
    }

    /** Looks at the cluster and the disk and says what a reset would do; changes nothing. */
    public static Plan plan(Admin admin, String bootstrapServers, Path stateDir, List<App> apps,
                            Collection<Topic<?, ?>> pipelineTopics, boolean keepDerivedTopics) throws InterruptedException {
        Set<String> existing = call(() -> admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        List<AppPlan> plans = new ArrayList<>();
        for (App a : apps) {
            Set<String> internal = new TreeSet<>(internalTopicNames(a.applicationId(), a.topology(), pipelineTopics));
            internal.retainAll(existing);
            Set<String> inputs = new TreeSet<>(inputTopics(a, apps, pipelineTopics));
            inputs.retainAll(existing);
            Set<String> intermediate = new TreeSet<>(intermediateTopics(a, apps, pipelineTopics));
            intermediate.retainAll(existing);
            Path local = stateDir.resolve(a.applicationId());
            plans.add(new AppPlan(a.applicationId(), groupExists(admin, a.applicationId()), inputs, intermediate, internal,
                    local, Files.exists(local)));
        }
        Set<String> derived = new TreeSet<>(derivedTopics(apps, pipelineTopics));
        derived.retainAll(existing);
        return new Plan(bootstrapServers, plans, derived, keepDerivedTopics);
    }

    /**
     * Carries out a plan. Re-checks that no group has members right before deleting anything.
     *
     * @param pipelineTopics for the compaction setting of recreated topics
     * @param log told about each step
     * @throws ActiveMembersException when an application is running
     */
    public static void execute(Admin admin, Plan plan, Collection<Topic<?, ?>> pipelineTopics, Consumer<String> log)
            throws InterruptedException {
        for (AppPlan a : plan.apps()) {
            List<String> members = activeMembers(admin, a.applicationId());
            if (!members.isEmpty()) {
                throw new ActiveMembersException(a.applicationId(), members);
            }
        }
        for (AppPlan a : plan.apps()) {
            awaitTransactionsCompleted(admin, a.applicationId());
            if (a.groupExists()) {
                deleteGroup(admin, a.applicationId());
                log.accept("deleted consumer group " + a.applicationId());
            }
            if (!a.internalTopics().isEmpty()) {
                deleteTopics(admin, a.internalTopics());
                log.accept("deleted internal topics " + String.join(", ", a.internalTopics()));
            }
        }
        if (!plan.keepDerivedTopics() && !plan.derivedTopics().isEmpty()) {
            recreate(admin, plan.derivedTopics(), pipelineTopics);
            log.accept("recreated empty " + String.join(", ", plan.derivedTopics()));
        }
        for (AppPlan a : plan.apps()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(offsets(admin, a.inputTopics(), OffsetSpec.earliest()));
            if (plan.keepDerivedTopics()) {
                offsets.putAll(offsets(admin, a.intermediateTopics(), OffsetSpec.latest()));
            }
            if (!offsets.isEmpty()) {
                call(() -> admin.alterConsumerGroupOffsets(a.applicationId(), offsets).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                log.accept("set offsets of group " + a.applicationId() + ": " + String.join(", ", a.inputTopics()) + " to the beginning"
                        + (plan.keepDerivedTopics() && !a.intermediateTopics().isEmpty()
                        ? ", " + String.join(", ", a.intermediateTopics()) + " to the end" : ""));
            }
            if (Files.exists(a.localState())) {
                EmbeddedBroker.deleteTree(a.localState());
                if (Files.exists(a.localState())) {
                    throw new IllegalStateException("could not delete " + a.localState() + " (is a pipeline using it?)");
                }
                log.accept("deleted local state " + a.localState());
            }
        }
    }

    private static void deleteGroup(Admin admin, String groupId) throws InterruptedException {
        try {
            admin.deleteConsumerGroups(List.of(groupId)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException) {
                throw new ActiveMembersException(groupId, List.of("(a member joined during the reset)"));
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
    private static void awaitTransactionsCompleted(Admin admin, String applicationId) throws InterruptedException {
        List<List<String>> open = new ArrayList<>(List.of(List.of()));
        Waiting.until(() -> {
            open.set(0, call(() -> CaughtUpCheck.openTransactions(admin, applicationId)));
            return open.get(0).isEmpty();
        }, TIMEOUT, Duration.ofMillis(100), () -> "transactions of " + applicationId + " still open after " + TIMEOUT + ": " + open.get(0));
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

    private static void recreate(Admin admin, Set<String> topics, Collection<Topic<?, ?>> pipelineTopics) throws InterruptedException {
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
            if (Boolean.TRUE.equals(compacted.get(t))) {
                keep.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
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
        Waiting.until(() -> {
            Set<String> existing = call(() -> admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            return topics.stream().noneMatch(existing::contains);
        }, TIMEOUT, Duration.ofMillis(100), () -> "topics " + topics + " still exist " + TIMEOUT + " after their deletion");
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
