package dev.almanac.query;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.Topic;
import java.util.List;
import java.util.Optional;

/**
 * What the latest and current tables have in common: their rows are observations ({@link ObservationColumns}),
 * their stores are built from the valid topic (so its partitions number theirs), a region index narrows their
 * full scans, {@code FOR SYSTEM_TIME AS OF} applies, and every change is published to a compacted topic.
 */
abstract class ObservationTable implements TableDef {

    final Topic<ObservationKey, IndicatorObservation> valid;
    private final Topic<?, IndicatorObservation> changeTopic;

    ObservationTable(Topic<ObservationKey, IndicatorObservation> valid, Topic<?, IndicatorObservation> changeTopic) {
        this.valid = valid;
        this.changeTopic = changeTopic;
    }

    @Override
    public final List<Column> columns() {
        return ObservationColumns.COLUMNS;
    }

    @Override
    public final Optional<String> indexColumn() {
        return Optional.of("region");
    }

    @Override
    public final boolean temporal() {
        return true;
    }

    @Override
    public final String sourceTopic() {
        return valid.name();
    }

    @Override
    public final Optional<ChangeFeed<?>> changes() {
        return Optional.of(new ChangeFeed<IndicatorObservation>(changeTopic.name(), changeTopic.valueSerde().deserializer(),
                ObservationColumns::row));
    }
}
