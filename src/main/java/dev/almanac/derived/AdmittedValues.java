package dev.almanac.derived;

import dev.almanac.avro.Qualifier;
import dev.almanac.derived.definition.TableDefinition;

/**
 * The values a figure admits given its qualifier, and whether two figures can both be right. Shared by the
 * conflicts table (two observations of one key) and the registration reconciliation (a count against a
 * reported total), so that both call the same figures consistent.
 */
public final class AdmittedValues {

    private AdmittedValues() {
    }

    /** Closed interval of values a figure admits; infinite ends for one-sided bounds. */
    record Interval(double low, double high) {
        boolean overlaps(Interval o) {
            return low <= o.high && o.low <= high;
        }
    }

    /**
     * The values a figure admits given its qualifier: exact v ± exact·|v| (rounding), approx
     * v ± approx·|v|, estimate v ± estimate·|v|, more_than [v − exact·|v|, ∞), less_than (−∞, v + exact·|v|].
     */
    public static Interval interval(double v, Qualifier q, TableDefinition.Tolerance t) {
        double a = Math.abs(v);
        return switch (q) {
            case exact -> new Interval(v - t.exact() * a, v + t.exact() * a);
            case approx -> new Interval(v - t.approx() * a, v + t.approx() * a);
            case estimate -> new Interval(v - t.estimate() * a, v + t.estimate() * a);
            case more_than -> new Interval(v - t.exact() * a, Double.POSITIVE_INFINITY);
            case less_than -> new Interval(Double.NEGATIVE_INFINITY, v + t.exact() * a);
        };
    }

    /** Whether two figures (same unit) cannot both be right. */
    public static boolean incompatible(double a, Qualifier qa, double b, Qualifier qb, TableDefinition.Tolerance t) {
        return !interval(a, qa, t).overlaps(interval(b, qb, t));
    }
}
