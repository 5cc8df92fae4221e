package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.almanac.runtime.Pipeline;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.TopologyDiagram;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code topologies/*.txt} files are the reviewed shape of each topology (and {@code *.mmd} its
 * diagram, see {@link TopologyDiagram}): a renamed
 * store or topic shows up as a diff here instead of as orphaned state in production. Regenerate with
 * {@code mvn test -Dtest=TopologyDescriptionTest -Dalmanac.updateTopologies=true}.
 */
class TopologyDescriptionTest {

    @Test
    void shouldMatchCommittedDescriptionWhenFoundationIsBuilt() throws Exception {
        check("foundation.txt", FoundationTopology.build(Fixtures.catalogue()).describe().toString());
    }

    @Test
    void shouldMatchCommittedDescriptionWhenPipelineIsBuilt() throws Exception {
        check("pipeline.txt", Pipeline.topology(Fixtures.catalogue()).describe().toString());
    }

    @Test
    void shouldMatchCommittedDiagramsWhenFoundationAndPipelineAreBuilt() throws Exception {
        TopologyDiagram.check("foundation", FoundationTopology.build(Fixtures.catalogue()).describe());
        TopologyDiagram.check("pipeline", Pipeline.topology(Fixtures.catalogue()).describe());
    }

    static void check(String file, String actual) throws Exception {
        Path path = Fixtures.repo().resolve("topologies").resolve(file);
        if (Boolean.getBoolean("almanac.updateTopologies")) {
            Files.writeString(path, actual);
        }
        String committed = Files.exists(path) ? Files.readString(path) : "(missing)";
        assertEquals(committed, actual, "topology changed: review the diff, then regenerate " + path
                + " with: mvn test -Dtest=TopologyDescriptionTest -Dalmanac.updateTopologies=true");
    }
}
