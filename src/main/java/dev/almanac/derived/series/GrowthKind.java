package dev.almanac.derived.series;

import static dev.almanac.derived.TerminalView.percent;
import static dev.almanac.derived.TerminalView.qualifier;

import dev.almanac.avro.GrowthRate;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.SingleTableKind;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.observation.Period;
import java.util.Comparator;
import java.util.List;

/** {@code type: yoy_growth}: growth against the same period one year earlier. */
public final class GrowthKind {

    public static final DerivedTableKind<TableDefinition.Growth> KIND = new SingleTableKind<>(
            TableDefinition.Growth.class, GrowthRate.class, "year-over-year growth in percent from the latest values",
            SeriesTopology::addTo, SeriesTopology::topic, SeriesTopology::store,
            "Year-over-year growth", List.of("indicator", "region", "period", "vs", "growth", "inputs"),
            Comparator.comparing(GrowthRate::getBaseIndicator).thenComparing(GrowthRate::getRegion)
                    .thenComparing(r -> Period.parse(r.getPeriod())),
            r -> List.of(r.getBaseIndicator(), r.getRegion(), r.getPeriod(), r.getPreviousPeriod(),
                    qualifier(r.getQualifier()) + percent(r.getValue()) + (r.getFromDerivedPeriods() ? " (from derived periods)" : ""),
                    String.join(",", r.getInputIds())));

    private GrowthKind() {
    }
}
