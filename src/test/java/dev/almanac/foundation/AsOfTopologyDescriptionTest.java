package dev.almanac.foundation;

import dev.almanac.testing.Fixtures;
import dev.almanac.testing.TopologyDiagram;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The committed shape of a rebuild's foundation (with the publication cutoff); see {@link TopologyDescriptionTest}. */
class AsOfTopologyDescriptionTest {

    @Test
    void shouldMatchCommittedDescriptionWhenFoundationIsBuiltWithACutoff() throws Exception {
        TopologyDescriptionTest.check("foundation-as-of.txt",
                FoundationTopology.build(Fixtures.catalogue(), Optional.of(Instant.parse("2026-01-01T23:59:59.999Z"))).describe().toString());
    }

    @Test
    void shouldMatchCommittedDiagramWhenFoundationIsBuiltWithACutoff() throws Exception {
        TopologyDiagram.check("foundation-as-of",
                FoundationTopology.build(Fixtures.catalogue(), Optional.of(Instant.parse("2026-01-01T23:59:59.999Z"))).describe());
    }
}
