package dev.almanac.derived.series;

import static dev.almanac.derived.TerminalView.qualifier;

import dev.almanac.avro.DerivedPeriodValue;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.SingleTableKind;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.observation.ChineseNumber;
import dev.almanac.observation.Period;
import java.util.Comparator;
import java.util.List;

/** {@code type: decumulation}: periods nobody reported, computed from cumulative ones. */
public final class PeriodsKind {

    public static final DerivedTableKind<TableDefinition.Periods> KIND = new SingleTableKind<>(
            TableDefinition.Periods.class, DerivedPeriodValue.class,
            "periods de-cumulated from cumulative reports (2025-Q3 = 2025-Q1..Q3 − 2025-H1)",
            SeriesTopology::addTo, SeriesTopology::topic, SeriesTopology::store,
            "De-cumulated periods (derived)", List.of("indicator", "region", "period", "value", "formula", "inputs"),
            Comparator.comparing(DerivedPeriodValue::getIndicator).thenComparing(DerivedPeriodValue::getRegion)
                    .thenComparing(r -> Period.parse(r.getPeriod())),
            r -> List.of(r.getIndicator(), r.getRegion(), r.getPeriod(),
                    qualifier(r.getQualifier()) + ChineseNumber.format(r.getValue()) + " " + r.getUnit(), r.getFormula(),
                    String.join(",", r.getInputIds())));

    private PeriodsKind() {
    }
}
