package dev.almanac.derived.registration;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.RegistrationCount;
import dev.almanac.avro.RegistrationDay;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.RegistrationRolling;
import dev.almanac.avro.RollupInput;
import dev.almanac.derived.AdmittedValues;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.observation.Period;
import dev.almanac.region.RegionHierarchy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Rolls registration counts up the region hierarchy and keeps the cumulative, rolling and reconciliation
 * tables. It sees three kinds of change, each as a new absolute state (so replays are idempotent):
 * the number of distinct registrations of one region on one day, a hierarchy node, and a reported total.
 *
 * <p>Runs in a single task (its input is repartitioned to one partition): a roll-up needs the whole
 * hierarchy and the counts of every descendant together. Its input rate is that of registrations,
 * which is small, and its state is per region and day, not per registration.
 *
 * <p>State: {@code own} (region|day → own count), {@code rolled} (region|day → count of the region and
 * all descendants), {@code hierarchy} (region → parent), {@code reported} (region|day|period → reported
 * observation) and the three output tables. A day's change is added along the chain of ancestors; a
 * hierarchy change moves the region's rolled days from the old chain of ancestors to the new one.
 */
final class RollupProcessor implements Processor<String, RollupInput, Object, RollupProcessor.Output> {

    /** A row of one of the output tables; value null is a deletion. */
    record Output(String table, Object key, Object value) {
    }

    static final String CUMULATIVE = "cumulative";
    static final String ROLLING = "rolling";
    static final String RECONCILIATION = "reconciliation";
    private static final String AS_OF = "as_of";

    private final TableDefinition.Registrations def;
    private ProcessorContext<Object, Output> context;
    private KeyValueStore<String, RegistrationDay> own;
    private KeyValueStore<String, RegistrationDay> rolled;
    private KeyValueStore<String, String> hierarchy;
    private KeyValueStore<String, IndicatorObservation> reported;
    private KeyValueStore<String, Long> meta;
    private KeyValueStore<String, RegistrationCount> cumulative;
    private KeyValueStore<String, RegistrationRolling> rolling;
    private KeyValueStore<ObservationKey, RegistrationReconciliation> reconciliation;
    private long timestamp;

    RollupProcessor(TableDefinition.Registrations def) {
        this.def = def;
    }

    @Override
    public void init(ProcessorContext<Object, Output> context) {
        this.context = context;
        own = context.getStateStore(RegistrationTopology.ownStore(def));
        rolled = context.getStateStore(RegistrationTopology.rolledStore(def));
        hierarchy = context.getStateStore(RegistrationTopology.hierarchyStore(def));
        reported = context.getStateStore(RegistrationTopology.reportedStore(def));
        meta = context.getStateStore(RegistrationTopology.metaStore(def));
        cumulative = context.getStateStore(RegistrationTopology.cumulativeStore(def));
        rolling = context.getStateStore(RegistrationTopology.rollingStore(def));
        reconciliation = context.getStateStore(RegistrationTopology.reconciliationStore(def));
    }

    @Override
    public void process(Record<String, RollupInput> record) {
        RollupInput in = record.value();
        if (in == null) {
            return;
        }
        timestamp = record.timestamp();
        switch (in.getKind()) {
            case RegistrationTopology.KIND_DAY -> onDay(in.getRegion(), in.getDate(), in.getCount(), in.getMaxPublished());
            case RegistrationTopology.KIND_REGION -> onRegion(in.getRegion(), in.getDeleted() ? null : in.getParent());
            case RegistrationTopology.KIND_REPORTED -> onReported(in.getReported());
            default -> throw new IllegalStateException("unknown roll-up input kind " + in.getKind());
        }
    }

    // ---- a day's own count changed

    private void onDay(String region, LocalDate date, long count, long maxPublished) {
        String key = dayKey(region, date);
        RegistrationDay before = own.get(key);
        long delta = count - (before == null ? 0 : before.getCount());
        if (delta == 0 && before != null && maxPublished <= before.getMaxPublished().toEpochMilli()) {
            return;
        }
        if (count == 0) {
            own.delete(key);
        } else {
            own.put(key, new RegistrationDay(count, Instant.ofEpochMilli(maxPublished)));
        }
        List<String> chain = chain(region);
        for (String a : chain) {
            addRolled(a, date, delta, maxPublished);
        }
        boolean asOfMoved = count > 0 && advanceAsOf(date);
        for (String a : chain) {
            RegistrationCount c = cumulative.get(a);
            RegistrationCount next = c == null ? new RegistrationCount(a, 0L, 0L, null, null) : RegistrationCount.newBuilder(c).build();
            next.setCount(next.getCount() + delta);
            if (a.equals(region)) {
                next.setOwnCount(next.getOwnCount() + delta);
            }
            if (count > 0 && (next.getLatestRegistrationDate() == null || date.isAfter(next.getLatestRegistrationDate()))) {
                next.setLatestRegistrationDate(date);
            }
            if (next.getLatestPublished() == null || maxPublished > next.getLatestPublished().toEpochMilli()) {
                next.setLatestPublished(Instant.ofEpochMilli(maxPublished));
            }
            emitCumulative(a, next);
            if (!asOfMoved) {
                emitRolling(a, rollingRow(a));
            }
            reconcileUnder(a, date);
        }
        if (asOfMoved) {
            List<String> regions = new ArrayList<>();
            try (KeyValueIterator<String, RegistrationCount> it = cumulative.all()) {
                it.forEachRemaining(kv -> regions.add(kv.key));
            }
            for (String a : regions) {
                emitRolling(a, rollingRow(a));
            }
        }
    }

    private void addRolled(String region, LocalDate date, long delta, long maxPublished) {
        String key = dayKey(region, date);
        RegistrationDay r = rolled.get(key);
        long count = (r == null ? 0 : r.getCount()) + delta;
        long max = Math.max(r == null ? 0 : r.getMaxPublished().toEpochMilli(), maxPublished);
        if (count == 0) {
            rolled.delete(key);
        } else {
            rolled.put(key, new RegistrationDay(count, Instant.ofEpochMilli(max)));
        }
    }

    private boolean advanceAsOf(LocalDate date) {
        Long asOf = meta.get(AS_OF);
        if (asOf == null || date.toEpochDay() > asOf) {
            meta.put(AS_OF, date.toEpochDay());
            return true;
        }
        return false;
    }

    // ---- a region's parent changed

    private void onRegion(String region, String parent) {
        String stored = hierarchy.get(region);
        String next = parent == null ? "" : parent;
        if (next.equals(stored)) {
            return;
        }
        List<String> oldAncestors = ancestors(region);
        hierarchy.put(region, next);
        List<String> newAncestors = ancestors(region);
        if (oldAncestors.equals(newAncestors)) {
            return;
        }
        List<KeyValue<String, RegistrationDay>> subtree = new ArrayList<>();
        try (KeyValueIterator<String, RegistrationDay> it = rolled.range(region + "|", region + "|~")) {
            it.forEachRemaining(subtree::add);
        }
        if (subtree.isEmpty()) {
            return;
        }
        Set<String> affected = new LinkedHashSet<>();
        for (String a : oldAncestors) {
            if (!newAncestors.contains(a)) {
                affected.add(a);
                for (KeyValue<String, RegistrationDay> d : subtree) {
                    addRolled(a, dateOf(d.key), -d.value.getCount(), 0);
                }
            }
        }
        for (String a : newAncestors) {
            if (!oldAncestors.contains(a)) {
                affected.add(a);
                for (KeyValue<String, RegistrationDay> d : subtree) {
                    addRolled(a, dateOf(d.key), d.value.getCount(), d.value.getMaxPublished().toEpochMilli());
                }
            }
        }
        for (String a : affected) {
            recomputeRegion(a);
        }
    }

    /** Rebuilds a region's cumulative and rolling rows and its reconciliations from its rolled days. */
    private void recomputeRegion(String region) {
        long count = 0;
        LocalDate latestDate = null;
        long latestPublished = 0;
        try (KeyValueIterator<String, RegistrationDay> it = rolled.range(region + "|", region + "|~")) {
            while (it.hasNext()) {
                KeyValue<String, RegistrationDay> d = it.next();
                count += d.value.getCount();
                latestDate = dateOf(d.key);
                latestPublished = Math.max(latestPublished, d.value.getMaxPublished().toEpochMilli());
            }
        }
        long ownCount = 0;
        try (KeyValueIterator<String, RegistrationDay> it = own.range(region + "|", region + "|~")) {
            while (it.hasNext()) {
                ownCount += it.next().value.getCount();
            }
        }
        RegistrationCount before = cumulative.get(region);
        if (before != null || count != 0) {
            emitCumulative(region, new RegistrationCount(region, count, ownCount, latestDate,
                    latestPublished == 0 ? null : Instant.ofEpochMilli(latestPublished)));
            emitRolling(region, rollingRow(region));
        }
        reconcileUnder(region, LocalDate.MIN);
    }

    // ---- a reported total arrived or was revised

    private void onReported(IndicatorObservation o) {
        if (o == null) {
            return;
        }
        LocalDate date = Period.parse(o.getPeriod()).end();
        reported.put(dayKey(o.getRegion(), date) + "|" + o.getPeriod(), o);
        reconcile(o);
    }

    /** Re-reconciles every reported total of {@code region} dated on or after {@code from}. */
    private void reconcileUnder(String region, LocalDate from) {
        List<IndicatorObservation> reports = new ArrayList<>();
        try (KeyValueIterator<String, IndicatorObservation> it = reported.range(region + "|", region + "|~")) {
            it.forEachRemaining(kv -> reports.add(kv.value));
        }
        for (IndicatorObservation o : reports) {
            if (!Period.parse(o.getPeriod()).end().isBefore(from)) {
                reconcile(o);
            }
        }
    }

    private void reconcile(IndicatorObservation o) {
        LocalDate date = Period.parse(o.getPeriod()).end();
        long counted = 0;
        long countedPublished = 0;
        try (KeyValueIterator<String, RegistrationDay> it = rolled.range(o.getRegion() + "|", dayKey(o.getRegion(), date))) {
            while (it.hasNext()) {
                RegistrationDay d = it.next().value;
                counted += d.getCount();
                countedPublished = Math.max(countedPublished, d.getMaxPublished().toEpochMilli());
            }
        }
        long reportedAt = o.getPublished().toEpochMilli();
        String newer = countedPublished == 0 || reportedAt > countedPublished ? "reported"
                : countedPublished > reportedAt ? "counted" : "same";
        RegistrationReconciliation row = RegistrationReconciliation.newBuilder()
                .setIndicator(o.getIndicator())
                .setRegion(o.getRegion())
                .setPeriod(o.getPeriod())
                .setDate(date)
                .setReported(o.getValue())
                .setReportedQualifier(o.getQualifier())
                .setReportedId(o.getId())
                .setReportedPublished(o.getPublished())
                .setCounted(counted)
                .setCountedPublished(countedPublished == 0 ? null : Instant.ofEpochMilli(countedPublished))
                .setDifference(counted - o.getValue())
                .setConsistent(!AdmittedValues.incompatible(counted, dev.almanac.avro.Qualifier.exact,
                        o.getValue(), o.getQualifier(), RECONCILE_TOLERANCE))
                .setNewer(newer)
                .build();
        ObservationKey key = new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod());
        if (!row.equals(reconciliation.get(key))) {
            reconciliation.put(key, row);
            context.forward(new Record<>(key, new Output(RECONCILIATION, key, row), timestamp));
        }
    }

    /** A count is exact; the reported figure admits what its qualifier says (approx ±10 %, estimate ±25 %). */
    private static final TableDefinition.Tolerance RECONCILE_TOLERANCE = new TableDefinition.Tolerance(0.0, 0.10, 0.25);

    // ---- rows

    private RegistrationRolling rollingRow(String region) {
        Long asOf = meta.get(AS_OF);
        if (asOf == null) {
            return null;
        }
        LocalDate end = LocalDate.ofEpochDay(asOf);
        LocalDate start = end.minusDays(def.rollingDays() - 1L);
        long count = 0;
        try (KeyValueIterator<String, RegistrationDay> it = rolled.range(dayKey(region, start), dayKey(region, end))) {
            while (it.hasNext()) {
                count += it.next().value.getCount();
            }
        }
        return new RegistrationRolling(region, def.rollingDays(), start, end, count);
    }

    private void emitCumulative(String region, RegistrationCount row) {
        if (!row.equals(cumulative.get(region))) {
            cumulative.put(region, row);
            context.forward(new Record<>(region, new Output(CUMULATIVE, region, row), timestamp));
        }
    }

    private void emitRolling(String region, RegistrationRolling row) {
        if (row != null && !row.equals(rolling.get(region))) {
            rolling.put(region, row);
            context.forward(new Record<>(region, new Output(ROLLING, region, row), timestamp));
        }
    }

    // ---- hierarchy

    private List<String> chain(String region) {
        return RegionHierarchy.selfAndAncestors(region, this::parentOf);
    }

    private List<String> ancestors(String region) {
        List<String> c = chain(region);
        return c.subList(1, c.size());
    }

    private String parentOf(String region) {
        String p = hierarchy.get(region);
        return p == null || p.isEmpty() ? null : p;
    }

    static String dayKey(String region, LocalDate date) {
        return region + "|" + date;
    }

    private static LocalDate dateOf(String dayKey) {
        int bar = dayKey.indexOf('|');
        int end = dayKey.indexOf('|', bar + 1);
        return LocalDate.parse(end < 0 ? dayKey.substring(bar + 1) : dayKey.substring(bar + 1, end));
    }
}
