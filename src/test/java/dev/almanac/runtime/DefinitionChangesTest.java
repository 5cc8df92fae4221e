package dev.almanac.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.derived.DerivedTopology;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/** A user's derived.yaml that renames a table: the stores that went and came, as reported at start-up. */
class DefinitionChangesTest {

    private static final String APP = "almanac-derived";

    private static Topology topology(DerivedDefinitions defs) {
        TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
        return DerivedTopology.build(topics, defs, DerivedTopology.strictNaming());
    }

    private static List<String> changelogs(Topology t) {
        List<String> topics = new ArrayList<>();
        for (String store : DefinitionChanges.stores(t)) {
            topics.add(APP + "-" + store + "-changelog");
        }
        topics.add("almanac.latest");
        return topics;
    }

    @Test
    void shouldReportRemovedAndNewStoresWhenATableIsRenamed() throws Exception {
        DerivedDefinitions bundled = DerivedDefinitions.bundled();
        String renamed = Files.readString(Path.of("topologies/derived.yaml")).replace("\n  shares:\n", "\n  region-shares:\n");
        DerivedDefinitions user = DerivedDefinitions.parse(renamed, "my-derived.yaml");

        DefinitionChanges.Report report = DefinitionChanges.compare(APP, topology(user), changelogs(topology(bundled)));

        assertTrue(!report.removed().isEmpty() && report.removed().stream().allMatch(s -> s.startsWith("shares")), report.toString());
        assertTrue(!report.added().isEmpty() && report.added().stream().allMatch(s -> s.startsWith("region-shares")), report.toString());
        List<String> lines = report.lines(APP);
        assertTrue(lines.get(0).startsWith("The derived-table definitions changed"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("store " + report.removed().iterator().next() + " is no longer defined")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).contains("'almanac reset' rebuilds every table"), lines.toString());
    }

    @Test
    void shouldReportNothingWhenTheDefinitionsAreUnchangedOrTheApplicationNeverRan() {
        Topology t = topology(DerivedDefinitions.bundled());
        assertEquals(List.of(), DefinitionChanges.compare(APP, t, changelogs(t)).lines(APP));
        assertEquals(List.of(), DefinitionChanges.compare(APP, t, Set.of("almanac.latest")).lines(APP));
    }
}
