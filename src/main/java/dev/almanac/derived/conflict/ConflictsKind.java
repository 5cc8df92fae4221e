package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.SingleTableKind;
import dev.almanac.derived.definition.TableDefinition;
import java.util.Comparator;
import java.util.List;

/** {@code type: conflicts}: disagreeing observations and suspicious jumps. */
public final class ConflictsKind {

    public static final DerivedTableKind<TableDefinition.Conflicts> KIND = new SingleTableKind<>(
            TableDefinition.Conflicts.class, Conflict.class, "conflicting observations, revision jumps and period jumps",
            ConflictTopology::addTo, ConflictTopology::topic, ConflictTopology::store,
            "Conflicts and jumps", List.of("kind", "indicator", "region", "ids", "detail"),
            Comparator.comparing(Conflict::getKind).thenComparing(Conflict::getIndicator)
                    .thenComparing(Conflict::getRegion).thenComparing(Conflict::getSecondPeriod),
            r -> List.of(r.getKind(), r.getIndicator(), r.getRegion(), r.getFirstId() + " vs " + r.getSecondId(), r.getDetail()));

    private ConflictsKind() {
    }
}
