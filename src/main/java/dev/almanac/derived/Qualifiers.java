package dev.almanac.derived;

import dev.almanac.avro.Qualifier;
import java.util.Comparator;
import java.util.List;

/**
 * How qualifiers travel through a computation.
 *
 * <p><b>Total order</b>, strongest first: {@code exact < approx < more_than < less_than < estimate}
 * (the order of the Avro enum). {@link #weakest} is the maximum in this order. {@code more_than} and
 * {@code less_than} are equally weak (both are one-sided bounds); they are ordered only so that the
 * order is total and results are deterministic.
 *
 * <p><b>Combination</b> ({@link #combine}): a derived value is {@code exact} only when every input is
 * exact. Otherwise:
 * <ul>
 *   <li>any {@code estimate} input gives {@code estimate};</li>
 *   <li>a bound input passes its direction through when the result grows with that input
 *       ({@code sign > 0}) and flips it when the result shrinks ({@code sign < 0}: a share of a
 *       "more than" total is "less than");</li>
 *   <li>bounds that all point the same way give that bound; bounds pointing opposite ways say nothing
 *       about the result, which is then {@code estimate};</li>
 *   <li>without bounds, any {@code approx} input gives {@code approx}.</li>
 * </ul>
 * The result is therefore never stronger than the weakest input, tier by tier.
 */
public final class Qualifiers {

    /** Strongest first. */
    public static final Comparator<Qualifier> STRENGTH = Comparator.comparingInt(Qualifier::ordinal);

    private Qualifiers() {
    }

    /** One input of a computation: its qualifier, and whether the result grows (+1) or shrinks (-1) with it. */
    public record Input(Qualifier qualifier, int sign) {
        public static Input rising(Qualifier q) {
            return new Input(q, 1);
        }

        public static Input falling(Qualifier q) {
            return new Input(q, -1);
        }
    }

    /** The weakest of {@code qualifiers} in the total order; {@code exact} for none. */
    static Qualifier weakest(List<Qualifier> qualifiers) {
        return qualifiers.stream().max(STRENGTH).orElse(Qualifier.exact);
    }

    /** The qualifier of a value computed from {@code inputs}, by the rules above. */
    public static Qualifier combine(List<Input> inputs) {
        boolean approx = false;
        boolean above = false;
        boolean below = false;
        for (Input in : inputs) {
            switch (in.qualifier()) {
                case estimate -> {
                    return Qualifier.estimate;
                }
                case approx -> approx = true;
                case more_than -> {
                    if (in.sign() >= 0) {
                        above = true;
                    } else {
                        below = true;
                    }
                }
                case less_than -> {
                    if (in.sign() >= 0) {
                        below = true;
                    } else {
                        above = true;
                    }
                }
                case exact -> {
                }
            }
        }
        if (above && below) {
            return Qualifier.estimate;
        }
        if (above) {
            return Qualifier.more_than;
        }
        if (below) {
            return Qualifier.less_than;
        }
        return approx ? Qualifier.approx : Qualifier.exact;
    }

    /** The symbol shown before a value in text tables: {@code ≈ > < ~} or nothing for exact. */
    public static String symbol(Qualifier q) {
        return switch (q) {
            case exact -> "";
            case approx -> "≈";
            case more_than -> ">";
            case less_than -> "<";
            case estimate -> "~";
        };
    }
}
