package dev.almanac.kafka;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
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
                             Topic<SeriesKey, IndicatorObservation> current,
                             Topic<String, Region> regions,
                             Topic<byte[], byte[]> rawRegistrations,
                             Topic<byte[], byte[]> rejectedRegistrations) {

    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "almanac";

    /**
     * The embedded schema registry's log (compacted, exactly one partition). Not under the prefix: every
     * pipeline on a cluster, live or shadow, shares one registry so schema ids mean the same everywhere.
     * Not in {@link #all()} either: the registry creates it itself, with the single partition it needs.
     */
    public static final String SCHEMAS_TOPIC = "_almanac_schemas";

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
                new Topic<>(prefix + ".current", seriesKey, observation, true),
                new Topic<>(prefix + ".regions", Serdes.String(), serdes.specific(Region.class, false), true),
                new Topic<>(prefix + ".registrations.raw", Serdes.ByteArray(), Serdes.ByteArray(), false),
                new Topic<>(prefix + ".registrations.rejected", Serdes.ByteArray(), Serdes.ByteArray(), false));
    }

    /**
     * The compacted output topic of a derived table, {@code <prefix>.<table>[.<part>]}: derived tables are
     * named in the definitions file (topologies/derived.yaml), so their topics are named from those names,
     * never from positions. Listed by {@code DerivedTopics.all}, not by {@link #all()}.
     *
     * @param table the table's name in the definitions
     * @param part a sub-table name for tables with several outputs, or {@code null}
     */
    public <K, V> Topic<K, V> derived(String table, String part, Serde<K> keySerde, Serde<V> valueSerde) {
        return new Topic<>(prefix + "." + table + (part == null ? "" : "." + part), keySerde, valueSerde, true);
    }

    /**
     * Dead letters of the derived tables' application: records of its input topics that do not decode
     * (a regions record that is not a {@code Region}), with the validators' headers.
     */
    public Topic<byte[], byte[]> rejectedRegions() {
        return new Topic<>(prefix + ".regions.rejected", Serdes.ByteArray(), Serdes.ByteArray(), false);
    }

    /** All topics, for creation by the admin client. */
    public List<Topic<?, ?>> all() {
        return List.of(rawObservations, validObservations, rejectedObservations, latest, current,
                regions, rawRegistrations, rejectedRegistrations, rejectedRegions());
    }

    /**
     * This catalogue with the input topics (those producers write and the pipeline only reads: raw
     * observations, regions, raw registrations) taken from {@code live}: a shadow pipeline (a rebuild)
     * reads the live input but writes everything else under its own prefix.
     */
    public TopicCatalogue withInputsFrom(TopicCatalogue live) {
        return new TopicCatalogue(prefix, serdes, live.rawObservations, validObservations, rejectedObservations, latest, current,
                live.regions, live.rawRegistrations, rejectedRegistrations);
    }
}
