package dev.almanac.derived.share;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.avro.RegionValue;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.derived.Qualifiers;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Units;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Share of parent: for each region R with a parent P in the hierarchy and each period X where the latest
 * values of the indicator for R and for P exist in the same additive unit, 100 × v(R, X) / v(P, X).
 *
 * <p>Two foreign-key joins on tables keep it right under every kind of change:
 * <pre>
 * latest(ind, R, X) ──FK R──▶ regions(R) = parent P ──FK (ind, P, X)──▶ latest(ind, P, X) ──▶ shares
 * </pre>
 * a revision of R's value updates the left side; a revision of P's value reaches every district
 * subscribed to it through the second join; a hierarchy change re-subscribes through the first. A
 * region not yet in the hierarchy simply has no join partner until it arrives.
 *
 * <p>Both joins rely on the latest and regions topics being partitioned by the default partitioner
 * (the foundation's latest sink and the region loader use it).
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
        String n = def.name();
        Serde<ObservationKey> keySerde = topics.latest().keySerde();
        Serde<RegionValue> regionValueSerde = topics.serdes().specific(RegionValue.class, false);
        Topic<ObservationKey, ShareOfParent> out = topic(topics, def);

        KTable<ObservationKey, IndicatorObservation> candidates = sources.latest(def.indicators()).filter(
                (k, v) -> def.indicators().contains(k.getIndicator()) && Units.ADDITIVE.contains(v.getUnit()),
                Named.as(n + "-candidates"));

        KTable<ObservationKey, RegionValue> withParent = candidates
                .join(sources.regions(),
                        IndicatorObservation::getRegion,
                        (obs, region) -> new RegionValue(obs.getIndicator(), obs.getRegion(), parentOf(region), SeriesPoints.of(obs)),
                        TableJoined.as(n + "-region-join"),
                        Materialized.<ObservationKey, RegionValue, KeyValueStore<Bytes, byte[]>>as(n + "-region-join-store")
                                .withKeySerde(keySerde).withValueSerde(regionValueSerde))
                .filter((k, v) -> v.getParent() != null, Named.as(n + "-has-parent"));

        withParent
                .join(candidates,
                        rv -> new ObservationKey(rv.getIndicator(), rv.getParent(), rv.getPoint().getPeriod()),
                        (rv, parentObs) -> share(rv, parentObs),
                        TableJoined.as(n + "-parent-join"),
                        Materialized.<ObservationKey, ShareOfParent, KeyValueStore<Bytes, byte[]>>as(store(def))
                                .withKeySerde(keySerde).withValueSerde(out.valueSerde()))
                .toStream(Named.as(n + "-changes"))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName(n + "-sink"));
    }

    private static String parentOf(Region region) {
        String parent = region.getParent();
        return parent == null || parent.isBlank() || parent.equals(region.getCode()) ? null : parent;
    }

    /** The share, or null (no row) when the units differ or the parent's value is not positive. */
    static ShareOfParent share(RegionValue child, IndicatorObservation parent) {
        SeriesPoint c = child.getPoint();
        if (!c.getUnit().equals(parent.getUnit()) || !(parent.getValue() > 0)) {
            return null;
        }
        Instant published = c.getPublished().isAfter(parent.getPublished()) ? c.getPublished() : parent.getPublished();
        return ShareOfParent.newBuilder()
                .setIndicator(child.getIndicator() + "_share_of_parent")
                .setBaseIndicator(child.getIndicator())
                .setRegion(child.getRegion())
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
