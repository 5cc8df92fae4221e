package dev.almanac.cli;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.observation.ChineseNumber;
import dev.almanac.observation.Published;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Terminal rendering of observations: indicator, region, period, value (as written, with multiplier), unit, qualifier, published, source. */
final class ObservationRows {

    static final List<String> HEADER = List.of("indicator", "region", "period", "value", "unit", "qualifier", "published", "source");

    private ObservationRows() {
    }

    static String render(Collection<IndicatorObservation> observations) {
        TextTable table = new TextTable(HEADER);
        observations.stream()
                .sorted(Comparator.comparing(IndicatorObservation::getIndicator)
                        .thenComparing(IndicatorObservation::getRegion)
                        .thenComparing(IndicatorObservation::getPeriod))
                .forEach(o -> table.add(List.of(o.getIndicator(), o.getRegion(), o.getPeriod(), value(o), o.getUnit(),
                        o.getQualifier().name(), Published.format(o.getPublished().toEpochMilli()), o.getSource())));
        return table.render();
    }

    /** The value as the source wrote it when known (52073.4亿), else with the largest fitting multiplier. */
    static String value(IndicatorObservation o) {
        return o.getValueText() != null ? o.getValueText() : ChineseNumber.format(o.getValue());
    }
}
