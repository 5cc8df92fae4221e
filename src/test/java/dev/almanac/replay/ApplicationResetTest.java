package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ApplicationResetTest {

    private static final TopicCatalogue LIVE = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
    private static final DerivedDefinitions DEFS = DerivedDefinitions.bundled();
    private static final AlmanacConfig CONFIG = AlmanacConfig.defaults("x:9092", Path.of("/tmp/state"));
    private static final List<ApplicationReset.App> APPS = ApplicationReset.applications(CONFIG, LIVE, DEFS, Optional.empty());
    private static final List<Topic<?, ?>> TOPICS = ResetTopics.pipelineTopics(LIVE, DEFS);

    @Test
    void shouldNameEveryFoundationChangelogWhenComputingInternalTopics() {
        assertEquals(List.of("almanac", "almanac-derived"), APPS.stream().map(ApplicationReset.App::applicationId).toList());
        Set<String> internal = ResetTopics.internalTopicNames("almanac", APPS.get(0).topology(), TOPICS);
        assertTrue(internal.containsAll(Set.of("almanac-validation-counts-store-changelog", "almanac-current-store-changelog")),
                internal.toString());
        assertTrue(internal.stream().allMatch(n -> n.startsWith("almanac-") && n.endsWith("-changelog")),
                "the foundation has stores only, no repartition: " + internal);
        Set<String> derived = ResetTopics.internalTopicNames("almanac-derived", APPS.get(1).topology(), TOPICS);
        assertFalse(derived.isEmpty());
        assertTrue(derived.stream().allMatch(n -> n.startsWith("almanac-derived-")), derived.toString());
        assertTrue(derived.stream().noneMatch(n -> n.contains("almanac.")), "no pipeline topic is taken for internal: " + derived);
    }

    @Test
    void shouldTellInputsFromDerivedTopicsWhenReadingTheTopologies() {
        Set<String> inputs = new TreeSet<>();
        APPS.forEach(a -> inputs.addAll(ResetTopics.inputTopics(a, APPS, TOPICS)));
        assertEquals(Set.of("almanac.observations.raw", "almanac.registrations.raw", "almanac.regions"), inputs);
        Set<String> derived = ResetTopics.derivedTopics(APPS, TOPICS);
        assertTrue(derived.containsAll(Set.of("almanac.observations.valid", "almanac.observations.rejected", "almanac.latest",
                "almanac.current", "almanac.registrations.rejected")), derived.toString());
        assertTrue(derived.stream().noneMatch(inputs::contains));
        assertEquals(Set.of("almanac.observations.valid"), ResetTopics.intermediateTopics(APPS.get(0), APPS, TOPICS));
        assertTrue(ResetTopics.intermediateTopics(APPS.get(1), APPS, TOPICS).contains("almanac.latest"),
                "the derived tables read the foundation's latest table");
    }

    @Test
    void shouldNeverTouchLiveTopicsWhenResettingARebuild() {
        Rebuild rebuild = new Rebuild(CONFIG, "audit", Instant.parse("2026-01-01T23:59:59.999Z"));
        TopicCatalogue shadow = rebuild.topics(LIVE);
        List<ApplicationReset.App> apps = rebuild.applications(shadow, DEFS);
        List<Topic<?, ?>> topics = ResetTopics.pipelineTopics(shadow, DEFS);
        assertEquals(List.of("almanac-audit", "almanac-audit-derived"), apps.stream().map(ApplicationReset.App::applicationId).toList());
        Set<String> inputs = new TreeSet<>();
        apps.forEach(a -> inputs.addAll(ResetTopics.inputTopics(a, apps, topics)));
        assertEquals(Set.of("almanac.observations.raw", "almanac.registrations.raw", "almanac.regions"), inputs);
        Set<String> derived = ResetTopics.derivedTopics(apps, topics);
        assertTrue(derived.stream().allMatch(n -> n.startsWith("audit.")), derived.toString());
        Set<String> internal = new TreeSet<>();
        apps.forEach(a -> internal.addAll(ResetTopics.internalTopicNames(a.applicationId(), a.topology(), topics)));
        assertTrue(internal.stream().allMatch(n -> n.startsWith("almanac-audit-")), internal.toString());
        Set<String> liveInternal = new TreeSet<>();
        APPS.forEach(a -> liveInternal.addAll(ResetTopics.internalTopicNames(a.applicationId(), a.topology(), TOPICS)));
        assertTrue(liveInternal.stream().noneMatch(internal::contains), "exact names: a live reset never matches a rebuild's topics");
    }

    @Test
    void shouldExplainEveryDeletionWhenDescribingThePlan() {
        ResetPlan.AppPlan app = new ResetPlan.AppPlan("almanac", true, Set.of("almanac.observations.raw"),
                Set.of("almanac.observations.valid"), Set.of("almanac-latest-store-changelog"), Path.of("/s/almanac"), true);
        ResetPlan plan = new ResetPlan("h:9092", List.of(app), Set.of("almanac.latest", "almanac.observations.valid"), false);
        String text = plan.describe();
        assertTrue(text.contains("group 'almanac'"), text);
        assertTrue(text.contains("almanac-latest-store-changelog"), text);
        assertTrue(text.contains("/s/almanac"), text);
        assertTrue(text.contains("recreates empty"), text);
        assertTrue(text.contains("Keeps the input topics almanac.observations.raw"), text);
        assertFalse(plan.empty());
        ResetPlan.AppPlan nothing = new ResetPlan.AppPlan("almanac", false, Set.of(), Set.of(), Set.of(), Path.of("/s/almanac"), false);
        ResetPlan kept = new ResetPlan("h:9092", List.of(nothing), Set.of("almanac.latest"), true);
        assertTrue(kept.empty());
        assertTrue(kept.describe().contains("--keep-derived-topics"));
    }
}
