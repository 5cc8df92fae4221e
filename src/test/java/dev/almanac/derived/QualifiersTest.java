package dev.almanac.derived;

import static dev.almanac.derived.Qualifiers.Input.falling;
import static dev.almanac.derived.Qualifiers.Input.rising;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.almanac.avro.Qualifier;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualifiersTest {

    @Test
    void shouldBeExactOnlyWhenEveryInputIsExact() {
        assertEquals(Qualifier.exact, Qualifiers.combine(List.of(rising(Qualifier.exact), falling(Qualifier.exact))));
        assertEquals(Qualifier.approx, Qualifiers.combine(List.of(rising(Qualifier.exact), falling(Qualifier.approx))));
    }

    @Test
    void shouldBeEstimateWhenAnyInputIsAnEstimate() {
        assertEquals(Qualifier.estimate, Qualifiers.combine(List.of(rising(Qualifier.more_than), falling(Qualifier.estimate))));
    }

    @Test
    void shouldKeepOrFlipBoundsWhenTheResultRisesOrFallsWithTheInput() {
        assertEquals(Qualifier.more_than, Qualifiers.combine(List.of(rising(Qualifier.more_than), falling(Qualifier.approx))));
        assertEquals(Qualifier.less_than, Qualifiers.combine(List.of(rising(Qualifier.exact), falling(Qualifier.more_than))));
        assertEquals(Qualifier.more_than, Qualifiers.combine(List.of(rising(Qualifier.more_than), falling(Qualifier.less_than))));
        assertEquals(Qualifier.estimate, Qualifiers.combine(List.of(rising(Qualifier.more_than), falling(Qualifier.more_than))));
    }

    @Test
    void shouldOrderQualifiersFromStrongestToWeakestWhenAskedForTheWeakest() {
        assertEquals(Qualifier.estimate, Qualifiers.weakest(List.of(Qualifier.exact, Qualifier.estimate, Qualifier.approx)));
        assertEquals(Qualifier.less_than, Qualifiers.weakest(List.of(Qualifier.more_than, Qualifier.less_than)));
        assertEquals(Qualifier.exact, Qualifiers.weakest(List.of()));
    }
}
