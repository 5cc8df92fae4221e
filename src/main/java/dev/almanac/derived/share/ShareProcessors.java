package dev.almanac.derived.share;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.avro.SeriesPoint;
import dev.almanac.avro.ShareMessage;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.SeriesPoints;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.observation.Units;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The four processors of a share table ({@link ShareTopology}). They run in the tasks of the latest topic's
 * partitions, which hold every period of a series ({@link SeriesPartitioner}), and share their stores:
 * <ul>
 * <li>the latest table's store (the values, for the region's periods and the parent's value);</li>
 * <li>{@code parents}: region → the parent its shares are computed against, for the regions whose series
 * this task holds;</li>
 * <li>{@code members}: {@code indicator \0 parent \0 period \0 region} → the region's latest value, in the
 * task of the parent's series: a parent's change reaches its regions with one prefix scan;</li>
 * <li>the table's store: the shares, in the task of the region's series.</li>
 * </ul>
 */
final class ShareProcessors {

    private ShareProcessors() {
    }

    /** Whether the latest value enters share tables: an additive unit (money, counts). */
    static boolean candidate(IndicatorObservation o) {
        return o != null && Units.ADDITIVE.contains(o.getUnit());
    }

    static String memberPrefix(String indicator, String parent, String period) {
        return indicator + '\u0000' + parent + '\u0000' + period + '\u0000';
    }

    static ShareMessage request(String region, String parent, SeriesPoint point) {
        return new ShareMessage(true, region, parent, point, null);
    }

    static ShareMessage response(String region, String parent, ShareOfParent share) {
        return new ShareMessage(false, region, parent, null, share);
    }

    /**
     * A change of the latest table (one of the table's indicators). As a region's value it goes to its parent's
     * period (a request to the parent's partition); as a parent's value it gives each region filed with that
     * period its share again (a response to the region's partition).
     */
    static final class OnValue implements Processor<ObservationKey, IndicatorObservation, ObservationKey, ShareMessage> {
        private final String parentsStore;
        private final String membersStore;
        private ProcessorContext<ObservationKey, ShareMessage> context;
        private KeyValueStore<String, String> parents;
        private KeyValueStore<String, SeriesPoint> members;

        OnValue(String parentsStore, String membersStore) {
            this.parentsStore = parentsStore;
            this.membersStore = membersStore;
        }

        @Override
        public void init(ProcessorContext<ObservationKey, ShareMessage> context) {
            this.context = context;
            this.parents = context.getStateStore(parentsStore);
            this.members = context.getStateStore(membersStore);
        }

        @Override
        public void process(Record<ObservationKey, IndicatorObservation> record) {
            ObservationKey key = record.key();
            IndicatorObservation value = candidate(record.value()) ? record.value() : null;
            String indicator = key.getIndicator();
            String region = key.getRegion();
            String parent = parents.get(region);
            if (parent != null) {
                SeriesPoint point = value == null ? null : SeriesPoints.of(value);
                context.forward(record.withKey(new ObservationKey(indicator, parent, key.getPeriod()))
                        .withValue(request(region, parent, point)));
            }
            try (KeyValueIterator<String, SeriesPoint> it = members.prefixScan(
                    memberPrefix(indicator, region, key.getPeriod()), STRINGS)) {
                while (it.hasNext()) {
                    KeyValue<String, SeriesPoint> member = it.next();
                    String child = member.key.substring(member.key.lastIndexOf('\u0000') + 1);
                    context.forward(record.withKey(new ObservationKey(indicator, child, key.getPeriod()))
                            .withValue(response(child, region, ShareTopology.share(indicator, child, member.value, value))));
                }
            }
        }
    }

    /**
     * A change of the region hierarchy, in each task that holds a series of the region (the regions are
     * repartitioned to those). When the region's parent changes, each of its periods leaves the old parent's
     * period, its share against the old parent is cleared, and it joins the new parent's period.
     */
    static final class OnRegion implements Processor<String, Region, ObservationKey, ShareMessage> {
        private final Set<String> indicators;
        private final String parentsStore;
        private final String latestStore;
        private final Serializer<ObservationKey> seriesPrefix;
        private ProcessorContext<ObservationKey, ShareMessage> context;
        private KeyValueStore<String, String> parents;
        private TimestampedKeyValueStore<ObservationKey, IndicatorObservation> latest;

        OnRegion(Set<String> indicators, String parentsStore, String latestStore, Serializer<ObservationKey> seriesPrefix) {
            this.indicators = indicators;
            this.parentsStore = parentsStore;
            this.latestStore = latestStore;
            this.seriesPrefix = seriesPrefix;
        }

        @Override
        public void init(ProcessorContext<ObservationKey, ShareMessage> context) {
            this.context = context;
            this.parents = context.getStateStore(parentsStore);
            this.latest = context.getStateStore(latestStore);
        }

        @Override
        public void process(Record<String, Region> record) {
            String region = record.key();
            String parent = record.value() == null ? null : ShareTopology.parentOf(record.value());
            String before = parents.get(region);
            if (Objects.equals(before, parent)) {
                return;
            }
            if (parent == null) {
                parents.delete(region);
            } else {
                parents.put(region, parent);
            }
            for (String indicator : indicators) {
                try (KeyValueIterator<ObservationKey, ValueAndTimestamp<IndicatorObservation>> it =
                             latest.prefixScan(new ObservationKey(indicator, region, ""), seriesPrefix)) {
                    while (it.hasNext()) {
                        KeyValue<ObservationKey, ValueAndTimestamp<IndicatorObservation>> row = it.next();
                        IndicatorObservation value = row.value == null ? null : row.value.value();
                        if (!candidate(value) || !row.key.getIndicator().equals(indicator) || !row.key.getRegion().equals(region)) {
                            continue;
                        }
                        String period = row.key.getPeriod();
                        if (before != null) {
                            context.forward(record.withKey(new ObservationKey(indicator, before, period))
                                    .withValue(request(region, before, null)));
                            // The share against the old parent no longer holds: clear it through the same
                            // path as the answers, ahead of the new parent's answer.
                            context.forward(record.withKey(row.key).withValue(response(region, Objects.requireNonNullElse(parent, ""), null)));
                        }
                        if (parent != null) {
                            context.forward(record.withKey(new ObservationKey(indicator, parent, period))
                                    .withValue(request(region, parent, SeriesPoints.of(value))));
                        }
                    }
                }
            }
        }
    }

    /**
     * A request in the parent's partition: files the region's value with the parent's period (or takes it
     * out) and answers with the share against the parent's latest value.
     */
    static final class OnRequest implements Processor<ObservationKey, ShareMessage, ObservationKey, ShareMessage> {
        private final String membersStore;
        private final String latestStore;
        private ProcessorContext<ObservationKey, ShareMessage> context;
        private KeyValueStore<String, SeriesPoint> members;
        private TimestampedKeyValueStore<ObservationKey, IndicatorObservation> latest;

        OnRequest(String membersStore, String latestStore) {
            this.membersStore = membersStore;
            this.latestStore = latestStore;
        }

        @Override
        public void init(ProcessorContext<ObservationKey, ShareMessage> context) {
            this.context = context;
            this.members = context.getStateStore(membersStore);
            this.latest = context.getStateStore(latestStore);
        }

        @Override
        public void process(Record<ObservationKey, ShareMessage> record) {
            ObservationKey parentKey = record.key();
            ShareMessage m = record.value();
            String indicator = parentKey.getIndicator();
            String member = memberPrefix(indicator, parentKey.getRegion(), parentKey.getPeriod()) + m.getRegion();
            SeriesPoint before = members.get(member);
            if (m.getPoint() == null) {
                if (before == null) {
                    return;
                }
                members.delete(member);
            } else {
                members.put(member, m.getPoint());
            }
            ValueAndTimestamp<IndicatorObservation> parent = latest.get(parentKey);
            IndicatorObservation parentValue = parent == null ? null : parent.value();
            ShareOfParent share = ShareTopology.share(indicator, m.getRegion(), m.getPoint(), parentValue);
            if (share == null && !ShareTopology.hasShare(before, parentValue)) {
                // No share before, none now: the region holds none from this parent (a move clears the
                // shares against the old parent before the new parent answers).
                return;
            }
            context.forward(record.withKey(new ObservationKey(indicator, m.getRegion(), parentKey.getPeriod()))
                    .withValue(response(m.getRegion(), parentKey.getRegion(), share)));
        }
    }

    /**
     * A response in the region's partition: the region's share, kept when it was computed against the
     * region's parent as this task knows it (an answer from a former parent, still on its way when the
     * hierarchy changed, is dropped).
     */
    static final class OnResponse implements Processor<ObservationKey, ShareMessage, ObservationKey, ShareOfParent> {
        private final String parentsStore;
        private final String sharesStore;
        private ProcessorContext<ObservationKey, ShareOfParent> context;
        private KeyValueStore<String, String> parents;
        private KeyValueStore<ObservationKey, ShareOfParent> shares;

        OnResponse(String parentsStore, String sharesStore) {
            this.parentsStore = parentsStore;
            this.sharesStore = sharesStore;
        }

        @Override
        public void init(ProcessorContext<ObservationKey, ShareOfParent> context) {
            this.context = context;
            this.parents = context.getStateStore(parentsStore);
            this.shares = context.getStateStore(sharesStore);
        }

        @Override
        public void process(Record<ObservationKey, ShareMessage> record) {
            ShareMessage m = record.value();
            String parent = Objects.requireNonNullElse(parents.get(m.getRegion()), "");
            if (!parent.equals(m.getParent())) {
                return;
            }
            ShareOfParent held = shares.get(record.key());
            ShareOfParent share = m.getShare();
            if (share == null) {
                if (held != null) {
                    shares.delete(record.key());
                    context.forward(record.withValue(null));
                }
            } else if (!share.equals(held)) {
                shares.put(record.key(), share);
                context.forward(record.withValue(share));
            }
        }
    }

    private static final Serializer<String> STRINGS = new StringSerializer();
}
