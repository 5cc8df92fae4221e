package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.derived.AdmittedValues;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.observation.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds disagreements among all observations (every vintage) of one (indicator, region, frequency)
 * series. Pure: the findings depend only on the set of observations, never on their arrival order.
 *
 * <ul>
 *   <li>{@code conflict}: two observations of the same period published at most {@code window} apart
 *       whose admitted intervals do not overlap (see {@link AdmittedValues#interval}); or whose units differ.</li>
 *   <li>{@code revision_jump}: consecutive vintages of the same period whose values differ by
 *       {@code jump_factor} or more, either way.</li>
 *   <li>{@code period_jump}: the latest values of consecutive periods differing by {@code jump_factor}
 *       or more (national key labs 77 → 145).</li>
 * </ul>
 */
public final class ConflictDetector {

    public static final String CONFLICT = "conflict";
    public static final String REVISION_JUMP = "revision_jump";
    public static final String PERIOD_JUMP = "period_jump";

    /** Vintage order: published, then id. The last is the latest table's winner. */
    static final Comparator<SeriesPoint> VINTAGE = Comparator.comparing(SeriesPoint::getPublished).thenComparing(SeriesPoint::getId);

    private ConflictDetector() {
    }

    /** The change factor between two values (≥ 1), or 0 when either is zero or their signs differ. */
    static double factor(double a, double b) {
        if (a == 0 || b == 0 || Math.signum(a) != Math.signum(b)) {
            return 0;
        }
        return Math.max(Math.abs(a), Math.abs(b)) / Math.min(Math.abs(a), Math.abs(b));
    }

    /** Every finding of one series. */
    public static Map<ConflictKey, Conflict> findings(String indicator, String region, List<SeriesPoint> points,
                                                      TableDefinition.Conflicts def) {
        Map<ConflictKey, Conflict> out = new LinkedHashMap<>();
        TreeMap<Period, List<SeriesPoint>> byPeriod = new TreeMap<>();
        for (SeriesPoint p : points) {
            Period.tryParse(p.getPeriod()).ifPresent(period -> byPeriod.computeIfAbsent(period, k -> new ArrayList<>()).add(p));
        }
        long window = def.window().toMillis();
        List<SeriesPoint> latest = new ArrayList<>();
        for (List<SeriesPoint> vintages : byPeriod.values()) {
            vintages.sort(VINTAGE);
            for (int i = 0; i < vintages.size(); i++) {
                SeriesPoint a = vintages.get(i);
                for (int j = i + 1; j < vintages.size(); j++) {
                    SeriesPoint b = vintages.get(j);
                    if (b.getPublished().toEpochMilli() - a.getPublished().toEpochMilli() > window) {
                        break;
                    }
                    if (!a.getUnit().equals(b.getUnit())) {
                        put(out, CONFLICT, indicator, region, a, b, "units differ: " + a.getUnit() + " and " + b.getUnit());
                    } else if (AdmittedValues.incompatible(a.getValue(), a.getQualifier(), b.getValue(), b.getQualifier(), def.tolerance())) {
                        put(out, CONFLICT, indicator, region, a, b, "published " + days(a, b) + " apart, "
                                + shown(a) + " and " + shown(b) + " cannot both hold");
                    }
                }
                if (i > 0) {
                    SeriesPoint prev = vintages.get(i - 1);
                    if (jumps(prev, a, def)) {
                        put(out, REVISION_JUMP, indicator, region, prev, a, "revised from " + shown(prev) + " to " + shown(a)
                                + ratio(a.getValue() / prev.getValue()));
                    }
                }
            }
            latest.add(vintages.get(vintages.size() - 1));
        }
        for (int i = 1; i < latest.size(); i++) {
            out.putAll(periodJump(indicator, region, latest.get(i - 1), latest.get(i), def));
        }
        return out;
    }

    /**
     * The findings within one reference period (conflicts and revision jumps among its vintages): what
     * {@link #findings} reports for that period, computed from its vintages alone.
     */
    static Map<ConflictKey, Conflict> periodFindings(String indicator, String region, List<SeriesPoint> vintages,
                                                     TableDefinition.Conflicts def) {
        return findings(indicator, region, vintages, def);
    }

    /** The latest vintage of one period's points (greatest published, then id). */
    static SeriesPoint latest(List<SeriesPoint> vintages) {
        return java.util.Collections.max(vintages, VINTAGE);
    }

    /** The period jump from {@code prev} to {@code cur} (the latest vintages of consecutive periods), if it is one. */
    static Map<ConflictKey, Conflict> periodJump(String indicator, String region, SeriesPoint prev, SeriesPoint cur,
                                                 TableDefinition.Conflicts def) {
        Map<ConflictKey, Conflict> out = new LinkedHashMap<>();
        if (jumps(prev, cur, def)) {
            put(out, PERIOD_JUMP, indicator, region, prev, cur, prev.getPeriod() + " → " + cur.getPeriod() + ": "
                    + shown(prev) + " → " + shown(cur) + ratio(cur.getValue() / prev.getValue()));
        }
        return out;
    }

    private static boolean jumps(SeriesPoint a, SeriesPoint b, TableDefinition.Conflicts def) {
        return a.getUnit().equals(b.getUnit()) && !def.jumpSkipUnits().contains(a.getUnit())
                && factor(a.getValue(), b.getValue()) >= def.jumpFactor();
    }

    private static void put(Map<ConflictKey, Conflict> out, String kind, String indicator, String region,
                            SeriesPoint first, SeriesPoint second, String detail) {
        ConflictKey key = new ConflictKey(kind, indicator, region, second.getPeriod(), first.getId(), second.getId());
        Double ratio = first.getValue() != 0 && second.getValue() != 0 ? second.getValue() / first.getValue() : null;
        out.put(key, Conflict.newBuilder()
                .setKind(kind).setIndicator(indicator).setRegion(region)
                .setFirstPeriod(first.getPeriod()).setSecondPeriod(second.getPeriod())
                .setFirstId(first.getId()).setSecondId(second.getId())
                .setFirstValue(first.getValue()).setSecondValue(second.getValue())
                .setFirstUnit(first.getUnit()).setSecondUnit(second.getUnit())
                .setFirstQualifier(first.getQualifier()).setSecondQualifier(second.getQualifier())
                .setFirstPublished(first.getPublished()).setSecondPublished(second.getPublished())
                .setRatio(ratio)
                .setDetail(detail)
                .build());
    }

    /**
     * {@code " (×1.23)"}: the same text as {@code String.format(" (×%.2f)", r)} (half-up on the shortest
     * decimal form) without a Formatter, which cost a tenth of the conflict detection's CPU.
     */
    static String ratio(double r) {
        if (!Double.isFinite(r)) {
            return String.format(" (×%.2f)", r);
        }
        String digits = java.math.BigDecimal.valueOf(Math.abs(r)).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
        return (Math.copySign(1.0, r) < 0 ? " (×-" : " (×") + digits + ")";
    }

    private static String days(SeriesPoint a, SeriesPoint b) {
        long d = (b.getPublished().toEpochMilli() - a.getPublished().toEpochMilli()) / 86_400_000L;
        return d == 1 ? "1 day" : d + " days";
    }

    private static String shown(SeriesPoint p) {
        return dev.almanac.derived.Qualifiers.symbol(p.getQualifier()) + dev.almanac.observation.ChineseNumber.format(p.getValue())
                + " " + p.getUnit();
    }
}
