package dev.almanac.derived;

import dev.almanac.derived.conflict.ConflictsKind;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.registration.RegistrationsKind;
import dev.almanac.derived.series.GrowthKind;
import dev.almanac.derived.series.PeriodsKind;
import dev.almanac.derived.share.SharesKind;
import java.util.List;

/** The registry of derived-table kinds: one per {@link TableDefinition} subtype. */
public final class DerivedKinds {

    /** Every kind. {@code DerivedKindsTest} checks that each permitted {@link TableDefinition} subtype has one. */
    public static final List<DerivedTableKind<?>> ALL = List.of(
            SharesKind.KIND, PeriodsKind.KIND, GrowthKind.KIND, ConflictsKind.KIND, new RegistrationsKind());

    private DerivedKinds() {
    }

    /** The tables of {@code definitions}, in definition order, each with its kind. */
    public static List<DerivedTable<?>> tables(DerivedDefinitions definitions) {
        return definitions.tables().stream().<DerivedTable<?>>map(DerivedKinds::of).toList();
    }

    /** The table {@code definition} describes, with its kind; fails when no kind handles the definition's type. */
    public static DerivedTable<?> of(TableDefinition definition) {
        for (DerivedTableKind<?> kind : ALL) {
            if (kind.definitionType().isInstance(definition)) {
                return bind(kind, definition);
            }
        }
        throw new IllegalStateException("no derived-table kind for " + definition.getClass().getName()
                + ": add one to DerivedKinds.ALL");
    }

    private static <D extends TableDefinition> DerivedTable<D> bind(DerivedTableKind<D> kind, TableDefinition definition) {
        return new DerivedTable<>(kind, kind.definitionType().cast(definition));
    }
}
