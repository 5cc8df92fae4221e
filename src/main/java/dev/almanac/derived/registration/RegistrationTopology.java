package dev.almanac.derived.registration;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.avro.RegionMonth;
import dev.almanac.avro.RegistrationCount;
import dev.almanac.avro.RegistrationDay;
import dev.almanac.avro.RegistrationMonth;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.RegistrationRolling;
import dev.almanac.avro.RollupInput;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Period;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Model-registration counts.
 * <pre>
 * registrations.raw ─validate─┬─▶ registrations.rejected (dead letters, with reason headers)
 *                             └─▶ by id ─▶ reduce (one row per id) ─┬─▶ group by region|day ─▶ own day counts ─┐
 *                                                                   └─▶ group by region|month ─▶ .monthly      │
 * regions ──────────────────────────────────────────────────────────────────────────────────────────────────────┤
 * latest (reported totals, asof periods) ─────────────────────────────────────────────────────────────────────────┤
 *                                              roll-up (one partition) ◀──────────────────────────────────────────┘
 *                                                 ├─▶ .cumulative  ├─▶ .rolling  └─▶ .reconciliation
 * </pre>
 * A repeated id counts once everywhere. Every count follows the by-id table (of two versions of an id the
 * later published wins, whatever their order), so a late registration always counts, in its own month too,
 * and the counts are the same in any arrival order: a crash and its replay cannot change them.
 */
public final class RegistrationTopology {

    static final String KIND_DAY = "day";
    static final String KIND_REGION = "region";
    static final String KIND_REPORTED = "reported";

    private RegistrationTopology() {
    }

    /** The output topics of a registrations table. */
    public record Topics(Topic<String, RegistrationCount> cumulative, Topic<RegionMonth, RegistrationMonth> monthly,
                         Topic<String, RegistrationRolling> rolling,
                         Topic<ObservationKey, RegistrationReconciliation> reconciliation) {
        public List<Topic<?, ?>> all() {
            return List.of(cumulative, monthly, rolling, reconciliation);
        }
    }

    public static Topics topics(TopicCatalogue topics, TableDefinition.Registrations def) {
        var s = topics.serdes();
        return new Topics(
                topics.derived(def.name(), RollupProcessor.CUMULATIVE, Serdes.String(), s.specific(RegistrationCount.class, false)),
                topics.derived(def.name(), "monthly", s.specific(RegionMonth.class, true), s.specific(RegistrationMonth.class, false)),
                topics.derived(def.name(), RollupProcessor.ROLLING, Serdes.String(), s.specific(RegistrationRolling.class, false)),
                topics.derived(def.name(), RollupProcessor.RECONCILIATION, topics.latest().keySerde(),
                        s.specific(RegistrationReconciliation.class, false)));
    }

    /** StoreReadiness: region → {@link RegistrationCount}. */
    public static String cumulativeStore(TableDefinition.Registrations def) {
        return def.name() + "-cumulative-store";
    }

    /** StoreReadiness: region → {@link RegistrationRolling}. */
    static String rollingStore(TableDefinition.Registrations def) {
        return def.name() + "-rolling-store";
    }

    /** StoreReadiness: reported observation key → {@link RegistrationReconciliation}. */
    public static String reconciliationStore(TableDefinition.Registrations def) {
        return def.name() + "-reconciliation-store";
    }

    /**
     * Key-value store: {@link RegionMonth} → {@link RegistrationMonth} (own region, not rolled up; a month without
     * registrations has no row). Named apart from the window store it replaced ({@code -monthly-store}), so that an
     * application that ran before does not restore window-store changelog records into it: the start-up report
     * names the new store, and {@code almanac reset} fills it.
     */
    static String monthlyStore(TableDefinition.Registrations def) {
        return def.name() + "-monthly-counts-store";
    }

    /** StoreReadiness: id → the registration counted for it. */
    static String byIdStore(TableDefinition.Registrations def) {
        return def.name() + "-by-id-store";
    }

    /** Accepted/rejected counters, summed with {@link dev.almanac.foundation.ValidationCounts#sum}. */
    public static String validationCountsStore(TableDefinition.Registrations def) {
        return def.name() + "-validation-counts-store";
    }

    static String ownStore(TableDefinition.Registrations def) {
        return def.name() + "-rollup-own-store";
    }

    static String rolledStore(TableDefinition.Registrations def) {
        return def.name() + "-rollup-daily-store";
    }

    static String hierarchyStore(TableDefinition.Registrations def) {
        return def.name() + "-rollup-hierarchy-store";
    }

    static String reportedStore(TableDefinition.Registrations def) {
        return def.name() + "-rollup-reported-store";
    }

    static String metaStore(TableDefinition.Registrations def) {
        return def.name() + "-rollup-meta-store";
    }

    public static void addTo(DerivedInputs sources, TableDefinition.Registrations def) {
        TopicCatalogue topics = sources.topics();
        var builder = sources.builder();
        String n = def.name();
        Topics out = topics(topics, def);
        Serde<ModelRegistration> registrationSerde = topics.serdes().specific(ModelRegistration.class, false);
        Serde<RegistrationDay> daySerde = topics.serdes().specific(RegistrationDay.class, false);
        Serde<RollupInput> rollupSerde = topics.serdes().specific(RollupInput.class, false);
        var raw = topics.rawRegistrations();
        var rejected = topics.rejectedRegistrations();

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(validationCountsStore(def)),
                Serdes.String(), Serdes.Long()));
        KStream<Object, ValidatedRegistration> routed = builder
                .stream(raw.name(), Consumed.with(raw.keySerde(), raw.valueSerde()).withName(n + "-raw-source"))
                .process(() -> new ValidateRegistrationProcessor(registrationSerde.deserializer(), validationCountsStore(def)),
                        Named.as(n + "-validate"), validationCountsStore(def));
        routed.filter((k, v) -> !v.isValid(), Named.as(n + "-rejected"))
                .map((k, v) -> KeyValue.pair((byte[]) k, v.rejectedBytes()), Named.as(n + "-rejected-bytes"))
                .to(rejected.name(), Produced.with(rejected.keySerde(), rejected.valueSerde()).withName(n + "-rejected-sink"));
        KStream<String, ModelRegistration> byId = routed
                .filter((k, v) -> v.isValid(), Named.as(n + "-valid"))
                .map((k, v) -> KeyValue.pair((String) k, v.registration()), Named.as(n + "-valid-registrations"))
                .repartition(Repartitioned.<String, ModelRegistration>as(n + "-by-id")
                        .withKeySerde(Serdes.String()).withValueSerde(registrationSerde));

        // One row per id; of two versions of an id the later published wins, whatever their order.
        KTable<String, ModelRegistration> registrations = byId
                .groupByKey(Grouped.with(n + "-by-id-grouped", Serdes.String(), registrationSerde))
                .reduce(RegistrationTopology::winner, Named.as(n + "-dedupe"),
                        Materialized.<String, ModelRegistration, KeyValueStore<Bytes, byte[]>>as(byIdStore(def))
                                .withKeySerde(Serdes.String()).withValueSerde(registrationSerde));

        KStream<String, RollupInput> days = registrations
                .groupBy((id, r) -> KeyValue.pair(RollupProcessor.dayKey(r.getRegion(), r.getRegistrationDate()), r),
                        Grouped.with(n + "-by-region-day", Serdes.String(), registrationSerde))
                .aggregate(() -> new RegistrationDay(0L, Instant.EPOCH),
                        (k, r, day) -> new RegistrationDay(day.getCount() + 1,
                                r.getPublished().isAfter(day.getMaxPublished()) ? r.getPublished() : day.getMaxPublished()),
                        // The newest publication time cannot be recomputed on removal; it only grows.
                        (k, r, day) -> new RegistrationDay(day.getCount() - 1, day.getMaxPublished()),
                        Named.as(n + "-own-days"),
                        Materialized.<String, RegistrationDay, KeyValueStore<Bytes, byte[]>>as(n + "-own-days-store")
                                .withKeySerde(Serdes.String()).withValueSerde(daySerde))
                .toStream(Named.as(n + "-own-day-changes"))
                .filter((k, day) -> day != null, Named.as(n + "-own-day-present"))
                .mapValues((k, day) -> RollupInput.newBuilder().setKind(KIND_DAY)
                        .setRegion(k.substring(0, k.indexOf('|')))
                        .setDate(java.time.LocalDate.parse(k.substring(k.indexOf('|') + 1)))
                        .setCount(day.getCount()).setMaxPublished(day.getMaxPublished().toEpochMilli()).build(),
                        Named.as(n + "-own-day-input"));

        KStream<String, RollupInput> hierarchy = sources.regions()
                .toStream(Named.as(n + "-region-changes"))
                .mapValues((code, region) -> regionInput(code, region), Named.as(n + "-region-input"));

        KStream<String, RollupInput> reports = sources.latest(Set.of(def.reconcileIndicator()))
                .toStream(Named.as(n + "-reported-changes"))
                .filter((k, o) -> o != null && k.getIndicator().equals(def.reconcileIndicator())
                        && Period.tryParse(k.getPeriod()).map(p -> p.frequency() == Frequency.STOCK).orElse(false),
                        Named.as(n + "-reported-select"))
                .map((k, o) -> KeyValue.pair(k.getRegion() + "|" + k.getPeriod(),
                        RollupInput.newBuilder().setKind(KIND_REPORTED).setRegion(o.getRegion()).setReported(o).build()),
                        Named.as(n + "-reported-input"));

        addRollupStores(builder, topics, def, daySerde, out);
        KStream<Object, RollupProcessor.Output> rows = days
                .merge(hierarchy, Named.as(n + "-rollup-merge-regions"))
                .merge(reports, Named.as(n + "-rollup-merge-reported"))
                .repartition(Repartitioned.<String, RollupInput>as(n + "-rollup")
                        .withKeySerde(Serdes.String()).withValueSerde(rollupSerde).withNumberOfPartitions(1))
                .process(() -> new RollupProcessor(def), Named.as(n + "-rollup"),
                        ownStore(def), rolledStore(def), hierarchyStore(def), reportedStore(def), metaStore(def),
                        cumulativeStore(def), rollingStore(def), reconciliationStore(def));
        rows.split(Named.as(n + "-rows-"))
                .branch((k, o) -> o.table().equals(RollupProcessor.CUMULATIVE), Branched.withConsumer(s -> s
                        .map((k, o) -> KeyValue.pair((String) o.key(), (RegistrationCount) o.value()), Named.as(n + "-cumulative-rows"))
                        .to(out.cumulative().name(), Produced.with(out.cumulative().keySerde(), out.cumulative().valueSerde())
                                .withName(n + "-cumulative-sink")), "cumulative"))
                .branch((k, o) -> o.table().equals(RollupProcessor.ROLLING), Branched.withConsumer(s -> s
                        .map((k, o) -> KeyValue.pair((String) o.key(), (RegistrationRolling) o.value()), Named.as(n + "-rolling-rows"))
                        .to(out.rolling().name(), Produced.with(out.rolling().keySerde(), out.rolling().valueSerde())
                                .withName(n + "-rolling-sink")), "rolling"))
                .branch((k, o) -> o.table().equals(RollupProcessor.RECONCILIATION), Branched.withConsumer(s -> s
                        .map((k, o) -> KeyValue.pair((ObservationKey) o.key(), (RegistrationReconciliation) o.value()),
                                Named.as(n + "-reconciliation-rows"))
                        .to(out.reconciliation().name(), Produced.with(out.reconciliation().keySerde(), out.reconciliation().valueSerde())
                                .withName(n + "-reconciliation-sink")), "reconciliation"));

        // Monthly counts follow the by-id table as the day counts do: a registration counts in the month of its
        // registration date however late it arrives, and moves when a later version revises its date or region.
        Serde<RegionMonth> monthKeySerde = out.monthly().keySerde();
        Serde<RegistrationMonth> monthSerde = out.monthly().valueSerde();
        registrations
                .groupBy((id, r) -> KeyValue.pair(new RegionMonth(r.getRegion(), YearMonth.from(r.getRegistrationDate()).toString()), r),
                        Grouped.with(n + "-by-registration-month", monthKeySerde, registrationSerde))
                .aggregate(() -> NO_MONTH,
                        (k, r, m) -> monthRow(k, m.getCount() + 1),
                        // The last registration leaving a month deletes its row (a tombstone on the topic), so a month
                        // that a revision emptied looks the same as one that never had a registration.
                        (k, r, m) -> m.getCount() <= 1 ? null : monthRow(k, m.getCount() - 1),
                        Named.as(n + "-monthly-count"),
                        Materialized.<RegionMonth, RegistrationMonth, KeyValueStore<Bytes, byte[]>>as(monthlyStore(def))
                                .withKeySerde(monthKeySerde).withValueSerde(monthSerde))
                .toStream(Named.as(n + "-monthly-changes"))
                .to(out.monthly().name(), Produced.with(monthKeySerde, monthSerde).withName(n + "-monthly-sink"));
    }

    private static void addRollupStores(org.apache.kafka.streams.StreamsBuilder builder, TopicCatalogue topics,
                                        TableDefinition.Registrations def, Serde<RegistrationDay> daySerde, Topics out) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ownStore(def)), Serdes.String(), daySerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(rolledStore(def)), Serdes.String(), daySerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(hierarchyStore(def)), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(reportedStore(def)), Serdes.String(),
                topics.latest().valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(metaStore(def)), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(cumulativeStore(def)),
                out.cumulative().keySerde(), out.cumulative().valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(rollingStore(def)),
                out.rolling().keySerde(), out.rolling().valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(reconciliationStore(def)),
                out.reconciliation().keySerde(), out.reconciliation().valueSerde()));
    }

    private static RollupInput regionInput(String code, Region region) {
        return RollupInput.newBuilder().setKind(KIND_REGION).setRegion(code)
                .setParent(region == null ? null : region.getParent())
                .setDeleted(region == null)
                .build();
    }

    /** The aggregate before a month's first registration is added; never stored or sent (the adder replaces it). */
    private static final RegistrationMonth NO_MONTH = new RegistrationMonth("", "", 0L, Instant.EPOCH, Instant.EPOCH);

    static RegistrationMonth monthRow(RegionMonth key, long count) {
        YearMonth month = YearMonth.parse(key.getMonth());
        return new RegistrationMonth(key.getRegion(), key.getMonth(), count,
                month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The version of a registration that counts: later published wins; ties go to the greater content, so any order agrees. */
    static ModelRegistration winner(ModelRegistration a, ModelRegistration b) {
        int byPublished = a.getPublished().compareTo(b.getPublished());
        if (byPublished != 0) {
            return byPublished > 0 ? a : b;
        }
        return a.toString().compareTo(b.toString()) >= 0 ? a : b;
    }
}
