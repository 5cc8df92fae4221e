package dev.almanac.kafka;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.SeriesKey;
import dev.almanac.serde.AvroSerdes;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic Almanac reads or writes, typed, under one name prefix (default {@code almanac}). A
 * shadow pipeline (a rebuild) uses another prefix and so never touches the live topics.
 *
 * @param prefix the topic name prefix
 * @param serdes the Avro serdes all typed topics use
 */
public record TopicCatalogue(String prefix, AvroSerdes serdes,
                             Topic<byte[], byte[]> rawObservations,
                             Topic<ObservationKey, IndicatorObservation> validObservations,
                             Topic<byte[], byte[]> rejectedObservations,
                             Topic<ObservationKey, IndicatorObservation> latest,
                             Topic<SeriesKey, IndicatorObservation> current) {

    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "almanac";

    /** Builds the catalogue for a prefix. */
    public static TopicCatalogue create(String prefix, AvroSerdes serdes) {
        Serde<ObservationKey> observationKey = serdes.specific(ObservationKey.class, true);
        Serde<SeriesKey> seriesKey = serdes.specific(SeriesKey.class, true);
        Serde<IndicatorObservation> observation = serdes.specific(IndicatorObservation.class, false);
        return new TopicCatalogue(prefix, serdes,
                new Topic<>(prefix + ".observations.raw", Serdes.ByteArray(), Serdes.ByteArray(), false),
                new Topic<>(prefix + ".observations.valid", observationKey, observation, false),
                new Topic<>(prefix + ".observations.rejected", Serdes.ByteArray(), Serdes.ByteArray(), false),
                new Topic<>(prefix + ".latest", observationKey, observation, true),
                new Topic<>(prefix + ".current", seriesKey, observation, true));
    }

    /** All topics, for creation by the admin client. */
    public List<Topic<?, ?>> all() {
        return List.of(rawObservations, validObservations, rejectedObservations, latest, current);
    }

    /**
     * This catalogue with the input topics (those producers write and the pipeline only reads) taken
     * from {@code live}: a shadow pipeline (a rebuild) reads the live input but writes everything
     * else under its own prefix.
     */
    public TopicCatalogue withInputsFrom(TopicCatalogue live) {
        return new TopicCatalogue(prefix, serdes, live.rawObservations, validObservations, rejectedObservations, latest, current);
    }
}
