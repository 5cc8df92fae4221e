package dev.almanac.derived.definition;

import dev.almanac.observation.Frequency;
import java.time.Duration;
import java.util.Set;

/**
 * One derived table of the definitions file. Its {@link #name()} is its identity: the output topic
 * ({@code <prefix>.<name>}), its state stores ({@code <name>-...-store}) and internal topics are named
 * from it, so reordering or adding tables never orphans state.
 */
public sealed interface TableDefinition {

    /** The table's name: {@code ^[a-z][a-z0-9-]{0,48}$}. */
    String name();

    /** Line of the definitions file where the table is defined. */
    int line();

    /** {@code type: share_of_parent}: 100 × value(region) / value(parent) per indicator and period. */
    record Shares(String name, int line, Set<String> indicators) implements TableDefinition {
        public Shares {
            indicators = Set.copyOf(indicators);
        }
    }

    /**
     * {@code type: yoy_growth}: growth against the same period one year earlier.
     *
     * @param includeDerivedPeriods also compute growth for de-cumulated periods (2025-Q3 from 2025-Q1..Q3 − 2025-H1)
     */
    record Growth(String name, int line, Set<String> indicators, Set<Frequency> frequencies,
                  boolean includeDerivedPeriods) implements TableDefinition {
        public Growth {
            indicators = Set.copyOf(indicators);
            frequencies = Set.copyOf(frequencies);
        }
    }

    /** {@code type: decumulation}: periods nobody reported, computed from cumulative ones. */
    record Periods(String name, int line, Set<String> indicators) implements TableDefinition {
        public Periods {
            indicators = Set.copyOf(indicators);
        }
    }

    /**
     * {@code type: conflicts}: disagreeing observations and suspicious jumps.
     *
     * @param window two vintages of the same key this close in publication time must agree
     * @param tolerance relative slack per qualifier
     * @param jumpFactor a change by this factor or more (either way) is a jump
     * @param jumpSkipUnits units never checked for jumps (rates and ranks move by large factors legitimately)
     */
    record Conflicts(String name, int line, Duration window, Tolerance tolerance, double jumpFactor,
                     Set<String> jumpSkipUnits) implements TableDefinition {
        public Conflicts {
            jumpSkipUnits = Set.copyOf(jumpSkipUnits);
        }
    }

    /**
     * {@code type: registrations}: counts of model registrations.
     *
     * @param rollingDays length of the rolling window
     * @param reconcileIndicator the reported indicator the counts are compared with
     */
    record Registrations(String name, int line, int rollingDays,
                         String reconcileIndicator) implements TableDefinition {
    }

    /**
     * Relative tolerances used to turn a value and its qualifier into the interval of values it admits:
     * exact ±{@code exact}, approx ±{@code approx}, estimate ±{@code estimate}; more_than is
     * [v − exact·|v|, ∞), less_than is (−∞, v + exact·|v|].
     */
    record Tolerance(double exact, double approx, double estimate) {
    }
}
