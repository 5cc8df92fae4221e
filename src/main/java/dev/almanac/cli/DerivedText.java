package dev.almanac.cli;

import dev.almanac.derived.Qualifiers;
import dev.almanac.avro.Conflict;
import dev.almanac.avro.DerivedPeriodValue;
import dev.almanac.avro.GrowthRate;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.RegistrationCount;
import dev.almanac.avro.RegistrationMonth;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.RegistrationRolling;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.cli.TextTable;
import dev.almanac.observation.ChineseNumber;
import dev.almanac.observation.Period;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Compact terminal tables of the derived tables, for {@code ./almanac demo}. Pure: rows in, text out.
 * Each shows at most {@code limit} rows (sorted for reading) and says how many it left out.
 */
public final class DerivedText {

    private DerivedText() {
    }

    public static String shares(Collection<ShareOfParent> rows, int limit) {
        TextTable t = new TextTable(List.of("indicator", "region", "of", "period", "share", "region value", "parent value", "inputs"));
        List<ShareOfParent> sorted = rows.stream().sorted(Comparator.comparing(ShareOfParent::getBaseIndicator)
                .thenComparing(ShareOfParent::getRegion).thenComparing(r -> Period.parse(r.getPeriod()))).toList();
        sorted.stream().limit(limit).forEach(r -> t.add(List.of(r.getBaseIndicator(), r.getRegion(), r.getParent(), r.getPeriod(),
                q(r.getQualifier()) + pct(r.getValue()), ChineseNumber.format(r.getRegionValue()) + " " + r.getBaseUnit(),
                ChineseNumber.format(r.getParentValue()) + " " + r.getBaseUnit(), String.join(",", r.getInputIds()))));
        return finish("Shares of parent", t, sorted.size(), limit);
    }

    public static String growth(Collection<GrowthRate> rows, int limit) {
        TextTable t = new TextTable(List.of("indicator", "region", "period", "vs", "growth", "inputs"));
        List<GrowthRate> sorted = rows.stream().sorted(Comparator.comparing(GrowthRate::getBaseIndicator)
                .thenComparing(GrowthRate::getRegion).thenComparing(r -> Period.parse(r.getPeriod()))).toList();
        sorted.stream().limit(limit).forEach(r -> t.add(List.of(r.getBaseIndicator(), r.getRegion(), r.getPeriod(), r.getPreviousPeriod(),
                q(r.getQualifier()) + pct(r.getValue()) + (r.getFromDerivedPeriods() ? " (from derived periods)" : ""),
                String.join(",", r.getInputIds()))));
        return finish("Year-over-year growth", t, sorted.size(), limit);
    }

    public static String periods(Collection<DerivedPeriodValue> rows, int limit) {
        TextTable t = new TextTable(List.of("indicator", "region", "period", "value", "formula", "inputs"));
        List<DerivedPeriodValue> sorted = rows.stream().sorted(Comparator.comparing(DerivedPeriodValue::getIndicator)
                .thenComparing(DerivedPeriodValue::getRegion).thenComparing(r -> Period.parse(r.getPeriod()))).toList();
        sorted.stream().limit(limit).forEach(r -> t.add(List.of(r.getIndicator(), r.getRegion(), r.getPeriod(),
                q(r.getQualifier()) + ChineseNumber.format(r.getValue()) + " " + r.getUnit(), r.getFormula(), String.join(",", r.getInputIds()))));
        return finish("De-cumulated periods (derived)", t, sorted.size(), limit);
    }

    public static String conflicts(Collection<Conflict> rows, int limit) {
        TextTable t = new TextTable(List.of("kind", "indicator", "region", "ids", "detail"));
        List<Conflict> sorted = rows.stream().sorted(Comparator.comparing(Conflict::getKind).thenComparing(Conflict::getIndicator)
                .thenComparing(Conflict::getRegion).thenComparing(Conflict::getSecondPeriod)).toList();
        sorted.stream().limit(limit).forEach(r -> t.add(List.of(r.getKind(), r.getIndicator(), r.getRegion(),
                r.getFirstId() + " vs " + r.getSecondId(), r.getDetail())));
        return finish("Conflicts and jumps", t, sorted.size(), limit);
    }

    public static String registrationCounts(Collection<RegistrationCount> cumulative, Collection<RegistrationRolling> rolling, int limit) {
        TextTable t = new TextTable(List.of("region", "registrations", "own", "last 90 days", "newest registration"));
        List<RegistrationCount> sorted = cumulative.stream().sorted(Comparator.comparing(RegistrationCount::getCount).reversed()
                .thenComparing(RegistrationCount::getRegion)).toList();
        sorted.stream().limit(limit).forEach(c -> {
            RegistrationRolling r = rolling.stream().filter(x -> x.getRegion().equals(c.getRegion())).findFirst().orElse(null);
            t.add(List.of(c.getRegion(), Long.toString(c.getCount()), Long.toString(c.getOwnCount()),
                    r == null ? "" : r.getCount() + " (" + r.getWindowStart() + ".." + r.getAsOf() + ")",
                    c.getLatestRegistrationDate() == null ? "" : c.getLatestRegistrationDate().toString()));
        });
        return finish("Model registrations (rolled up the region hierarchy)", t, sorted.size(), limit);
    }

    public static String registrationMonths(Collection<RegistrationMonth> rows, int limit) {
        TextTable t = new TextTable(List.of("region", "month", "registrations"));
        List<RegistrationMonth> sorted = rows.stream().sorted(Comparator.comparing(RegistrationMonth::getMonth).reversed()
                .thenComparing(RegistrationMonth::getRegion)).toList();
        sorted.stream().limit(limit).forEach(r -> t.add(List.of(r.getRegion(), r.getMonth(), Long.toString(r.getCount()))));
        return finish("Registrations per month (own region, by registration date)", t, sorted.size(), limit);
    }

    public static String reconciliation(Collection<RegistrationReconciliation> rows, int limit) {
        TextTable t = new TextTable(List.of("region", "date", "reported", "counted", "difference", "consistent", "newer", "reported id"));
        List<RegistrationReconciliation> sorted = rows.stream().sorted(Comparator.comparing(RegistrationReconciliation::getRegion)
                .thenComparing(RegistrationReconciliation::getDate)).toList();
        sorted.stream().limit(limit).forEach(r -> t.add(List.of(r.getRegion(), r.getDate().toString(),
                q(r.getReportedQualifier()) + ChineseNumber.format(r.getReported()), Long.toString(r.getCounted()),
                String.format(Locale.ROOT, "%+.0f", r.getDifference()), r.getConsistent() ? "yes" : "no", r.getNewer(), r.getReportedId())));
        return finish("Reported vs counted registrations", t, sorted.size(), limit);
    }

    private static String q(Qualifier qualifier) {
        return Qualifiers.symbol(qualifier);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f %%", v);
    }

    private static String finish(String title, TextTable t, int total, int limit) {
        String more = total > limit ? "… " + (total - limit) + " more rows (query the full table)\n" : "";
        return title + " (" + total + ")\n" + (total == 0 ? "(none)\n" : t.render()) + more;
    }
}
