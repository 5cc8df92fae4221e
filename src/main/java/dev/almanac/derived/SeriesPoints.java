package dev.almanac.derived;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.SeriesPoint;
import java.util.List;

/** Conversions between observations and the compact points derived tables keep in their state. */
public final class SeriesPoints {

    private SeriesPoints() {
    }

    /** The compact form of an observation. */
    public static SeriesPoint of(IndicatorObservation o) {
        return new SeriesPoint(o.getId(), o.getPeriod(), o.getValue(), o.getUnit(), o.getQualifier(), o.getPublished(), List.of());
    }

    /** The observation ids behind a point: its own id when observed, its inputs when derived. */
    public static List<String> provenance(SeriesPoint p) {
        return p.getInputIds().isEmpty() ? List.of(p.getId()) : p.getInputIds();
    }

    /** Whether a point is itself derived (de-cumulated) rather than observed. */
    public static boolean isDerived(SeriesPoint p) {
        return !p.getInputIds().isEmpty();
    }
}
