package dev.almanac.replay;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.broker.EmbeddedBroker;
import dev.almanac.derived.DerivedTopology;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.Topology;

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

    /** The pipeline's applications: the foundation (with an optional cutoff) and the derived tables. */
    public static List<App> applications(AlmanacConfig config, TopicCatalogue topics, DerivedDefinitions definitions,
                                         Optional<Instant> publishedUpTo) {
        String derivedId = Pipeline.derivedApplicationId(config);
        return List.of(new App(config.applicationId(), Pipeline.topology(topics, publishedUpTo)),
                new App(derivedId, DerivedTopology.build(topics, definitions, Pipeline.streamsProperties(config, derivedId))));
    }

    /** Throws when any application has active members. */
    public static void requireStopped(Admin admin, List<App> apps) throws InterruptedException {
        for (App a : apps) {
            List<String> members = ResetAdmin.activeMembers(admin, a.applicationId());
            if (!members.isEmpty()) {
                throw new ActiveMembersException(a.applicationId(), members);
            }
        }
    }

    /** Looks at the cluster and the disk and says what a reset would do; changes nothing. */
    public static ResetPlan plan(Admin admin, String bootstrapServers, Path stateDir, List<App> apps,
                            Collection<Topic<?, ?>> pipelineTopics, boolean keepDerivedTopics) throws InterruptedException {
        Set<String> existing = ResetAdmin.call(() -> admin.listTopics().names().get(ResetAdmin.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        List<ResetPlan.AppPlan> plans = new ArrayList<>();
        Set<String> selfFed = new TreeSet<>();
        for (App a : apps) {
            Set<String> internal = new TreeSet<>(ResetTopics.internalTopicNames(a.applicationId(), a.topology(), pipelineTopics));
            internal.retainAll(existing);
            Set<String> inputs = new TreeSet<>(ResetTopics.inputTopics(a, apps, pipelineTopics));
            inputs.retainAll(existing);
            Set<String> intermediate = new TreeSet<>(ResetTopics.intermediateTopics(a, apps, pipelineTopics));
            intermediate.retainAll(existing);
            Set<String> fed = ResetTopics.selfFedTopics(a, pipelineTopics);
            fed.retainAll(existing);
            intermediate.removeAll(fed);
            selfFed.addAll(fed);
            Path local = stateDir.resolve(a.applicationId());
            plans.add(new ResetPlan.AppPlan(a.applicationId(), ResetAdmin.groupExists(admin, a.applicationId()), inputs, intermediate, internal,
                    local, Files.exists(local)));
        }
        Set<String> derived = new TreeSet<>(ResetTopics.derivedTopics(apps, pipelineTopics));
        derived.retainAll(existing);
        return new ResetPlan(bootstrapServers, plans, derived, keepDerivedTopics, selfFed);
    }

    /**
     * Carries out a plan. Re-checks that no group has members right before deleting anything.
     *
     * @param pipelineTopics for the compaction setting of recreated topics
     * @param log told about each step
     * @throws ActiveMembersException when an application is running
     */
    public static void execute(Admin admin, ResetPlan plan, Collection<Topic<?, ?>> pipelineTopics, Consumer<String> log)
            throws InterruptedException {
        for (ResetPlan.AppPlan a : plan.apps()) {
            List<String> members = ResetAdmin.activeMembers(admin, a.applicationId());
            if (!members.isEmpty()) {
                throw new ActiveMembersException(a.applicationId(), members);
            }
        }
        for (ResetPlan.AppPlan a : plan.apps()) {
            ResetAdmin.awaitTransactionsCompleted(admin, a.applicationId());
            if (a.groupExists()) {
                ResetAdmin.deleteGroup(admin, a.applicationId());
                log.accept("deleted consumer group " + a.applicationId());
            }
            if (!a.internalTopics().isEmpty()) {
                ResetAdmin.deleteTopics(admin, a.internalTopics());
                log.accept("deleted internal topics " + String.join(", ", a.internalTopics()));
            }
        }
        if (!plan.recreated().isEmpty()) {
            ResetAdmin.recreate(admin, plan.recreated(), pipelineTopics);
            log.accept("recreated empty " + String.join(", ", plan.recreated()));
        }
        for (ResetPlan.AppPlan a : plan.apps()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(ResetAdmin.offsets(admin, a.inputTopics(), OffsetSpec.earliest()));
            if (plan.keepDerivedTopics()) {
                offsets.putAll(ResetAdmin.offsets(admin, a.intermediateTopics(), OffsetSpec.latest()));
            }
            if (!offsets.isEmpty()) {
                ResetAdmin.call(() -> admin.alterConsumerGroupOffsets(a.applicationId(), offsets).all().get(ResetAdmin.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
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

    /** The application is running: its group has members. */
    public static final class ActiveMembersException extends RuntimeException {
        public ActiveMembersException(String applicationId, List<String> members) {
            super("application '" + applicationId + "' is running (" + members.size() + " active member"
                    + (members.size() == 1 ? "" : "s") + ": " + String.join(", ", members)
                    + "); stop the pipeline first ('almanac run' / 'almanac demo': Ctrl-C), then reset"
                    + " (a pipeline killed without a clean stop stays listed until its session times out, 45 s by default)", null, false, false);
        }
    }
}
