package dev.almanac.derived;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.TopologyDiagram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code topologies/derived.topology.txt} is the {@code Topology.describe()} of the bundled
 * definitions. A change to node, store or topic names shows up here first: state is kept under those
 * names, so renaming them silently would orphan it.
 */
class DerivedTopologyDescriptionTest {

    static final Path COMMITTED = Path.of("topologies/derived.topology.txt");
    static final String REGENERATE = "mvn -q -Dtest=DerivedTopologyDescriptionTest -Dalmanac.regenerate=true test";

    static TopologyDescription description() {
        TopicCatalogue topics = TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX, new AvroSerdes(new LocalSchemaRegistry()));
        DerivedDefinitions defs = DerivedDefinitions.load(Path.of(DerivedDefinitions.BUNDLED));
        return DerivedTopology.build(topics, defs, DerivedTopology.strictNaming()).describe();
    }

    static String describe() {
        TopicCatalogue topics = TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX, new AvroSerdes(new LocalSchemaRegistry()));
        DerivedDefinitions defs = DerivedDefinitions.load(Path.of(DerivedDefinitions.BUNDLED));
        return DerivedTopology.build(topics, defs, DerivedTopology.strictNaming()).describe().toString();
    }

    @Test
    void shouldMatchTheCommittedDescriptionWhenTheTopologyIsBuilt() throws IOException {
        String generated = describe();
        if (Boolean.getBoolean("almanac.regenerate") || Boolean.getBoolean(TopologyDiagram.UPDATE_PROPERTY)) {
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        if (!committed.equals(generated)) {
            fail("the derived topology differs from " + COMMITTED + " (" + firstDifference(committed, generated)
                    + "). If the change is intended, regenerate it with `" + REGENERATE + "` and review the diff: "
                    + "renamed stores or internal topics start from empty state.");
        }
    }

    @Test
    void shouldMatchTheCommittedDiagramWhenTheTopologyIsBuilt() throws IOException {
        TopologyDiagram.check("derived.topology", description());
    }

    @Test
    void shouldBuildWithoutAutoNamedResourcesWhenStrictNamingIsOn() {
        assertTrue(describe().contains("registrations-rollup"), "the build with ensure.explicit.internal.resource.naming succeeded");
    }

    private static String firstDifference(String committed, String generated) {
        List<String> a = committed.lines().toList();
        List<String> b = generated.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end>";
            String y = i < b.size() ? b.get(i) : "<end>";
            if (!x.equals(y)) {
                return "first difference at line " + (i + 1) + ": committed '" + x.strip() + "', generated '" + y.strip() + "'";
            }
        }
        return "same lines, different line endings";
    }
}
