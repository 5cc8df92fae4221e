package dev.almanac.derived.series;

import dev.almanac.avro.Qualifier;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.derived.Qualifiers;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Period;
import dev.almanac.observation.Units;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * De-cumulation: values for periods nobody reported, computed from values cumulated from January.
 *
 * <p>Every reported value that starts on 1 January is a cumulative value up to its last month:
 * {@code 2025-Q1} (3), {@code 2025-H1} and {@code 2025-Q1..Q2} (6), {@code 2025-Q1..Q3} and
 * {@code 2025-01..09} (9), {@code 2025} (12), {@code 2025-01..11} (11), {@code 2025-01} (1). The
 * difference of two of them in the same year and unit is the value of the months between, and is
 * emitted when those months form a standard period:
 * <ul>
 *   <li>a quarter: {@code 2025-Q3 = 2025-Q1..Q3 − 2025-H1}, {@code 2025-Q4 = 2025 − 2025-Q1..Q3},
 *       {@code 2025-Q2 = 2025-H1 − 2025-Q1};</li>
 *   <li>the second half: {@code 2025-H2 = 2025 − 2025-H1};</li>
 *   <li>a month: {@code 2025-11 = 2025-01..11 − 2025-01..10}.</li>
 * </ul>
 * Only additive units qualify. A period that was reported itself is never derived. When several
 * reported values end in the same month (H1 and Q1..Q2), the strongest qualifier, then the newest
 * vintage, then the greater id is used.
 */
final class PeriodAlgebra {

    private static final Comparator<SeriesPoint> PREFERRED = Comparator
            .comparing(SeriesPoint::getQualifier, Qualifiers.STRENGTH.reversed())
            .thenComparing(SeriesPoint::getPublished)
            .thenComparing(SeriesPoint::getId);

    private PeriodAlgebra() {
    }

    /** A value derived for a period, with how it was computed. */
    public record Derived(SeriesPoint point, String formula) {
    }

    /**
     * The de-cumulated values of one series.
     *
     * @param observed the latest value of each reported period of one (indicator, region) series
     */
    public static List<Derived> decumulate(List<SeriesPoint> observed) {
        Set<String> reported = new HashSet<>();
        Map<Integer, TreeMap<Integer, SeriesPoint>> cumulativeByYear = new TreeMap<>();
        for (SeriesPoint p : observed) {
            reported.add(p.getPeriod());
            Period period = Period.tryParse(p.getPeriod()).orElse(null);
            if (period == null || !Units.ADDITIVE.contains(p.getUnit())) {
                continue;
            }
            int endMonth = cumulativeEndMonth(period);
            if (endMonth > 0) {
                cumulativeByYear.computeIfAbsent(period.start().getYear(), y -> new TreeMap<>())
                        .merge(endMonth, p, (a, b) -> PREFERRED.compare(a, b) >= 0 ? a : b);
            }
        }
        List<Derived> out = new ArrayList<>();
        for (var year : cumulativeByYear.entrySet()) {
            List<Map.Entry<Integer, SeriesPoint>> cum = new ArrayList<>(year.getValue().entrySet());
            for (int i = 0; i < cum.size(); i++) {
                for (int j = i + 1; j < cum.size(); j++) {
                    int from = cum.get(i).getKey();
                    int to = cum.get(j).getKey();
                    String target = target(year.getKey(), from, to);
                    if (target == null || reported.contains(target)) {
                        continue;
                    }
                    SeriesPoint minuend = cum.get(j).getValue();
                    SeriesPoint subtrahend = cum.get(i).getValue();
                    if (!minuend.getUnit().equals(subtrahend.getUnit())) {
                        continue;
                    }
                    out.add(new Derived(difference(target, minuend, subtrahend),
                            minuend.getPeriod() + " − " + subtrahend.getPeriod()));
                }
            }
        }
        return out;
    }

    /** The last month of a period cumulated from January, or 0 when the period does not start in January or is not of one year. */
    static int cumulativeEndMonth(Period p) {
        if (p.start().getMonthValue() != 1 || p.start().getDayOfMonth() != 1 || p.end().getYear() != p.start().getYear()) {
            return 0;
        }
        if (p.frequency() == Frequency.SPAN || p.frequency() == Frequency.STOCK) {
            return 0;
        }
        return p.end().getMonthValue();
    }

    private static String target(int year, int fromMonth, int toMonth) {
        if (toMonth - fromMonth == 3 && fromMonth % 3 == 0) {
            return year + "-Q" + (toMonth / 3);
        }
        if (fromMonth == 6 && toMonth == 12) {
            return year + "-H2";
        }
        if (toMonth - fromMonth == 1) {
            return String.format("%d-%02d", year, toMonth);
        }
        return null;
    }

    private static SeriesPoint difference(String period, SeriesPoint minuend, SeriesPoint subtrahend) {
        List<String> inputs = new ArrayList<>(SeriesPoints.provenance(minuend));
        inputs.addAll(SeriesPoints.provenance(subtrahend));
        Qualifier q = Qualifiers.combine(List.of(
                Qualifiers.Input.rising(minuend.getQualifier()), Qualifiers.Input.falling(subtrahend.getQualifier())));
        Instant published = minuend.getPublished().isAfter(subtrahend.getPublished()) ? minuend.getPublished() : subtrahend.getPublished();
        return new SeriesPoint("derived:" + period, period, minuend.getValue() - subtrahend.getValue(), minuend.getUnit(),
                q, published, inputs);
    }
}
