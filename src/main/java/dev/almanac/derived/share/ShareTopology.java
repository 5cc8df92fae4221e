package dev.almanac.derived.share;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.ShareMessage;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.Qualifiers;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * Share of parent: for each region R with a parent P in the hierarchy and each period X where the latest
 * values of the indicator for R and for P exist in the same additive unit, 100 × v(R, X) / v(P, X).
 *
 * <p>The latest topic holds every period of a series in one partition ({@link SeriesPartitioner}); R's
 * values and P's are in two partitions in general. R's value travels to P's partition once, and the share
 * computed there travels back to R's, through two repartition topics of this table
 * ({@link ShareProcessors}):
 * <pre>
 * latest(ind, R, X) ──request──▶ P's partition: members(ind, P, X, R) + latest(ind, P, X) ──response──▶ R's partition: shares(ind, R, X)
 * latest(ind, P, X) ──one response per member R of (ind, P, X)──▶ R's partition
 * regions(R) ──to R's partitions──▶ R's periods leave the old parent, join the new one
 * </pre>
 * A revision of R's value files it with its parent's period again; a revision of P's value answers every
 * region filed there; a hierarchy change moves R's periods from the old parent to the new one, and an
 * answer from the old parent still on its way is dropped. A region not yet in the hierarchy has no parent
 * until it arrives. Each value and share crosses the broker once each way (a foreign-key join of the
 * latest table with the regions and then with itself, the earlier design, sent each value three times and
 * kept two subscription stores).
 *
 * <p>The regions topic must have as many partitions as the latest topic (Almanac creates its topics so):
 * the hierarchy is repartitioned to the partitions of R's series with the series partitioner.
 */
public final class ShareTopology {

    private ShareTopology() {
    }

    /** Output topic of a share table. */
    public static Topic<ObservationKey, ShareOfParent> topic(TopicCatalogue topics, TableDefinition.Shares def) {
        return topics.derived(def.name(), null, topics.latest().keySerde(),
                topics.serdes().specific(ShareOfParent.class, false));
    }

    /** Name of the queryable store: (indicator, region, period) → share. */
    public static String store(TableDefinition.Shares def) {
        return def.name() + "-store";
    }

    public static void addTo(DerivedInputs sources, TableDefinition.Shares def) {
        TopicCatalogue topics = sources.topics();
        StreamsBuilder builder = sources.builder();
        String n = def.name();
        Set<String> indicators = def.indicators();
        Serde<ObservationKey> keySerde = topics.latest().keySerde();
        Serde<ShareMessage> messageSerde = topics.serdes().specific(ShareMessage.class, false);
        Topic<ObservationKey, ShareOfParent> out = topic(topics, def);
        String parents = n + "-parents-store";
        String members = n + "-members-store";
        String latest = DerivedInputs.LATEST_STORE;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(parents), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(members), Serdes.String(),
                topics.serdes().specific(SeriesPoint.class, false)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store(def)), out.keySerde(), out.valueSerde()));
        Serializer<ObservationKey> seriesPrefix = DerivedInputs.seriesPrefix(keySerde.serializer(), topics.latest().name());

        KStream<ObservationKey, ShareMessage> fromValues = sources.latest(indicators)
                .toStream(Named.as(n + "-changes"))
                .filter((k, v) -> indicators.contains(k.getIndicator()), Named.as(n + "-select"))
                .process(() -> new ShareProcessors.OnValue(parents, members), Named.as(n + "-values"), parents, members);

        Topic<String, Region> regions = topics.regions();
        KStream<ObservationKey, ShareMessage> fromRegions = sources.regions()
                .toStream(Named.as(n + "-hierarchy-changes"))
                .repartition(Repartitioned.<String, Region>as(n + "-hierarchy")
                        .withKeySerde(regions.keySerde()).withValueSerde(regions.valueSerde())
                        .withStreamPartitioner(new RegionPartitioner(indicators)))
                .process(() -> new ShareProcessors.OnRegion(indicators, parents, latest, seriesPrefix), Named.as(n + "-hierarchy-moves"),
                        parents, latest);

        Map<String, KStream<ObservationKey, ShareMessage>> routed = fromValues
                .merge(fromRegions, Named.as(n + "-routed"))
                .split(Named.as(n + "-message"))
                .branch((k, m) -> m.getRequest(), Branched.as("-requests"))
                .defaultBranch(Branched.as("-responses"));

        KStream<ObservationKey, ShareMessage> answers = routed.get(n + "-message-requests")
                .repartition(Repartitioned.<ObservationKey, ShareMessage>as(n + "-requests")
                        .withKeySerde(keySerde).withValueSerde(messageSerde).withStreamPartitioner(new SeriesPartitioner<>()))
                .process(() -> new ShareProcessors.OnRequest(members, latest), Named.as(n + "-answer"), members, latest);

        routed.get(n + "-message-responses")
                .merge(answers, Named.as(n + "-answers"))
                .repartition(Repartitioned.<ObservationKey, ShareMessage>as(n + "-responses")
                        .withKeySerde(keySerde).withValueSerde(messageSerde).withStreamPartitioner(new SeriesPartitioner<>()))
                .process(() -> new ShareProcessors.OnResponse(parents, store(def)), Named.as(n + "-apply"), parents, store(def))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName(n + "-sink"));
    }

    /** A region's parent, or null when it has none (no parent, a blank one, or itself). */
    static String parentOf(Region region) {
        String parent = region.getParent();
        return parent == null || parent.isBlank() || parent.equals(region.getCode()) ? null : parent;
    }

    /** Sends a region's hierarchy record to every partition that holds a series of it of the table's indicators. */
    private record RegionPartitioner(Set<String> indicators) implements StreamPartitioner<String, Region> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String region, Region value, int numPartitions) {
            Set<Integer> to = new HashSet<>();
            for (String indicator : indicators) {
                to.add(SeriesPartitioner.partition(indicator, region, numPartitions));
            }
            return Optional.of(to);
        }
    }

    /**
     * Whether region value {@code c} has a share of {@code parent}: both are there, the parent's unit is
     * additive and the same as the region's, and the parent's value is positive.
     */
    static boolean hasShare(SeriesPoint c, IndicatorObservation parent) {
        return c != null && ShareProcessors.candidate(parent) && c.getUnit().equals(parent.getUnit()) && parent.getValue() > 0;
    }

    /** The share of region value {@code c} in its parent's latest value, or null (no row) when it has none ({@link #hasShare}). */
    static ShareOfParent share(String indicator, String region, SeriesPoint c, IndicatorObservation parent) {
        if (!hasShare(c, parent)) {
            return null;
        }
        Instant published = c.getPublished().isAfter(parent.getPublished()) ? c.getPublished() : parent.getPublished();
        return ShareOfParent.newBuilder()
                .setIndicator(indicator + "_share_of_parent")
                .setBaseIndicator(indicator)
                .setRegion(region)
                .setParent(parent.getRegion())
                .setPeriod(c.getPeriod())
                .setValue(100.0 * c.getValue() / parent.getValue())
                .setUnit("percent")
                .setQualifier(Qualifiers.combine(List.of(
                        Qualifiers.Input.rising(c.getQualifier()), Qualifiers.Input.falling(parent.getQualifier()))))
                .setRegionValue(c.getValue())
                .setParentValue(parent.getValue())
                .setBaseUnit(c.getUnit())
                .setInputIds(List.of(c.getId(), parent.getId()))
                .setPublished(published)
                .setDerived(true)
                .build();
    }
}
