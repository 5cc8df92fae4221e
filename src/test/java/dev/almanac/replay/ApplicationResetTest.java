package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.app.AlmanacConfig;
import dev.almanac.app.Pipeline;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

class ApplicationResetTest {

    private static final TopicCatalogue LIVE = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));

    @Test
    void shouldNameEveryChangelogWhenComputingInternalTopics() {
        Set<String> internal = ApplicationReset.internalTopicNames("almanac", Pipeline.topology(LIVE), LIVE);
        assertEquals(Set.of("almanac-validation-counts-store-changelog", "almanac-latest-store-changelog",
                "almanac-latest-table-store-changelog", "almanac-current-store-changelog",
                "almanac-series-periods-store-changelog"), internal);
    }

    @Test
    void shouldTellInputsFromDerivedTopicsWhenReadingTheTopology() {
        Topology t = Pipeline.topology(LIVE);
        assertEquals(Set.of("almanac.observations.raw"), ApplicationReset.inputTopics(t, LIVE));
        assertEquals(Set.of("almanac.observations.valid", "almanac.observations.rejected", "almanac.latest", "almanac.current"),
                ApplicationReset.derivedTopics(t, LIVE));
        assertEquals(Set.of("almanac.observations.valid"), ApplicationReset.intermediateTopics(t, LIVE));
    }

    @Test
    void shouldNeverTouchLiveTopicsWhenResettingARebuild() {
        Rebuild rebuild = new Rebuild(AlmanacConfig.defaults("x:9092", Path.of("/tmp/state")), "audit", Instant.parse("2026-01-01T23:59:59.999Z"));
        TopicCatalogue shadow = rebuild.topics(LIVE);
        Topology t = rebuild.topology(shadow);
        assertEquals("almanac-audit", rebuild.config().applicationId());
        assertEquals(Set.of("almanac.observations.raw"), ApplicationReset.inputTopics(t, shadow));
        Set<String> derived = ApplicationReset.derivedTopics(t, shadow);
        assertTrue(derived.stream().allMatch(n -> n.startsWith("audit.")), derived.toString());
        Set<String> internal = ApplicationReset.internalTopicNames(rebuild.config().applicationId(), t, shadow);
        assertTrue(internal.stream().allMatch(n -> n.startsWith("almanac-audit-")), internal.toString());
        // and the live reset's names are exact, so they never match the rebuild's topics
        assertTrue(ApplicationReset.internalTopicNames("almanac", Pipeline.topology(LIVE), LIVE).stream().noneMatch(internal::contains));
    }

    @Test
    void shouldExplainEveryDeletionWhenDescribingThePlan() {
        ApplicationReset.Plan plan = new ApplicationReset.Plan("h:9092", "almanac", true, Set.of("almanac.observations.raw"),
                Set.of("almanac-latest-store-changelog"), Path.of("/s/almanac"), true,
                Set.of("almanac.latest", "almanac.observations.valid"), Set.of("almanac.observations.valid"), false);
        String text = plan.describe();
        assertTrue(text.contains("group 'almanac'"), text);
        assertTrue(text.contains("almanac-latest-store-changelog"), text);
        assertTrue(text.contains("/s/almanac"), text);
        assertTrue(text.contains("deleted and recreated empty"), text);
        assertTrue(text.contains("Keeps: the input topics almanac.observations.raw"), text);
        assertFalse(plan.empty());
        ApplicationReset.Plan kept = new ApplicationReset.Plan("h:9092", "almanac", false, Set.of(), Set.of(), Path.of("/s/almanac"),
                false, Set.of("almanac.latest"), Set.of(), true);
        assertTrue(kept.empty());
        assertTrue(kept.describe().contains("--keep-derived-topics"));
    }
}
