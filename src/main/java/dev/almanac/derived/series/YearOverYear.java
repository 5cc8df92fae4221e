package dev.almanac.derived.series;

import dev.almanac.avro.GrowthRate;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.derived.Qualifiers;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Year-over-year growth of one series: for each period X of a configured frequency whose period one year
 * earlier ({@link Period#previousYear()}: {@code 2025-Q1..Q3} → {@code 2024-Q1..Q3}) has a value in the
 * same unit, {@code 100 × (v(X) / v(X − 1 year) − 1)}. A previous value that is zero or negative gives
 * no growth (the ratio means nothing). Rates, percentage points and ranks are not grown.
 */
final class YearOverYear {

    private static final Set<String> NOT_GROWN = Set.of("percent", "percentage_point", "rank");

    private YearOverYear() {
    }

    /**
     * @param points the latest value per period: reported ones, and derived ones if wanted (a reported
     *               period takes precedence over a derived one of the same period)
     */
    public static List<GrowthRate> compute(String indicator, String region, List<SeriesPoint> points, Set<Frequency> frequencies) {
        Map<String, SeriesPoint> byPeriod = new HashMap<>();
        for (SeriesPoint p : points) {
            byPeriod.merge(p.getPeriod(), p, (a, b) -> SeriesPoints.isDerived(a) && !SeriesPoints.isDerived(b) ? b : a);
        }
        List<GrowthRate> out = new ArrayList<>();
        for (SeriesPoint current : byPeriod.values()) {
            Optional<Period> period = Period.tryParse(current.getPeriod());
            if (period.isEmpty() || !frequencies.contains(period.get().frequency()) || NOT_GROWN.contains(current.getUnit())) {
                continue;
            }
            Period previousPeriod = period.get().previousYear();
            SeriesPoint previous = byPeriod.get(previousPeriod.text());
            if (previous == null || !previous.getUnit().equals(current.getUnit()) || !(previous.getValue() > 0)) {
                continue;
            }
            List<String> inputs = new ArrayList<>(SeriesPoints.provenance(current));
            inputs.addAll(SeriesPoints.provenance(previous));
            out.add(GrowthRate.newBuilder()
                    .setIndicator(indicator + "_growth_yoy")
                    .setBaseIndicator(indicator)
                    .setRegion(region)
                    .setPeriod(current.getPeriod())
                    .setPreviousPeriod(previous.getPeriod())
                    .setValue(100.0 * (current.getValue() / previous.getValue() - 1.0))
                    .setUnit("percent")
                    .setQualifier(Qualifiers.combine(List.of(
                            Qualifiers.Input.rising(current.getQualifier()), Qualifiers.Input.falling(previous.getQualifier()))))
                    .setCurrentValue(current.getValue())
                    .setPreviousValue(previous.getValue())
                    .setBaseUnit(current.getUnit())
                    .setInputIds(inputs)
                    .setPublished(current.getPublished().isAfter(previous.getPublished()) ? current.getPublished() : previous.getPublished())
                    .setFromDerivedPeriods(SeriesPoints.isDerived(current) || SeriesPoints.isDerived(previous))
                    .setDerived(true)
                    .build());
        }
        out.sort((a, b) -> Period.parse(a.getPeriod()).compareTo(Period.parse(b.getPeriod())));
        return out;
    }
}
