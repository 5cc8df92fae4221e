package dev.almanac.derived.registration;

import static dev.almanac.derived.TerminalView.qualifier;

import dev.almanac.avro.RegistrationCount;
import dev.almanac.avro.RegistrationMonth;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.RegistrationRolling;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.QueryableStore;
import dev.almanac.derived.TerminalView;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ChineseNumber;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code type: registrations}: counts of model registrations, cumulative, monthly, rolling, and against reported totals. */
public final class RegistrationsKind implements DerivedTableKind<TableDefinition.Registrations> {

    @Override
    public Class<TableDefinition.Registrations> definitionType() {
        return TableDefinition.Registrations.class;
    }

    @Override
    public void addTo(DerivedInputs inputs, TableDefinition.Registrations table) {
        RegistrationTopology.addTo(inputs, table);
    }

    @Override
    public List<Topic<?, ?>> outputTopics(TopicCatalogue topics, TableDefinition.Registrations table) {
        return RegistrationTopology.topics(topics, table).all();
    }

    @Override
    public List<QueryableStore> queryableStores(TopicCatalogue topics, TableDefinition.Registrations table) {
        var out = RegistrationTopology.topics(topics, table);
        return List.of(
                new QueryableStore("_cumulative", "distinct model registrations per region, rolled up over its descendants",
                        RegistrationTopology.cumulativeStore(table), RegistrationCount.class, out.cumulative()),
                new QueryableStore("_monthly", "distinct model registrations per region (own, not rolled up) and calendar month"
                        + " of their registration date", RegistrationTopology.monthlyStore(table), RegistrationMonth.class, out.monthly()),
                new QueryableStore("_rolling", "registrations in the rolling window up to the newest registration date, rolled up",
                        RegistrationTopology.rollingStore(table), RegistrationRolling.class, out.rolling()),
                new QueryableStore("_reconciliation", "reported registration totals against counted registrations",
                        RegistrationTopology.reconciliationStore(table), RegistrationReconciliation.class, out.reconciliation()));
    }

    @Override
    public List<TerminalView> terminalViews(TopicCatalogue topics, TableDefinition.Registrations table) {
        var out = RegistrationTopology.topics(topics, table);
        TerminalView counts = new TerminalView(
                "[" + out.cumulative().name() + ", " + out.rolling().name() + "] (from the SYNTHETIC registration stream)",
                "Model registrations (rolled up the region hierarchy)",
                List.of("region", "registrations", "own", "last " + table.rollingDays() + " days", "newest registration"), 8,
                contents -> {
                    Map<String, RegistrationRolling> rolling = contents.of(out.rolling()).stream()
                            .collect(Collectors.toMap(RegistrationRolling::getRegion, Function.identity(), (a, b) -> a));
                    return contents.of(out.cumulative()).stream()
                            .sorted(Comparator.comparing(RegistrationCount::getCount).reversed().thenComparing(RegistrationCount::getRegion))
                            .map(c -> {
                                RegistrationRolling r = rolling.get(c.getRegion());
                                return List.of(c.getRegion(), Long.toString(c.getCount()), Long.toString(c.getOwnCount()),
                                        r == null ? "" : r.getCount() + " (" + r.getWindowStart() + ".." + r.getAsOf() + ")",
                                        c.getLatestRegistrationDate() == null ? "" : c.getLatestRegistrationDate().toString());
                            })
                            .toList();
                });
        TerminalView months = new TerminalView("[" + out.monthly().name() + "]",
                "Registrations per month (own region, by registration date)", List.of("region", "month", "registrations"), 6,
                contents -> contents.of(out.monthly()).stream()
                        .sorted(Comparator.comparing(RegistrationMonth::getMonth).reversed().thenComparing(RegistrationMonth::getRegion))
                        .map(r -> List.of(r.getRegion(), r.getMonth(), Long.toString(r.getCount())))
                        .toList());
        TerminalView reconciliation = new TerminalView("[" + out.reconciliation().name() + "]", "Reported vs counted registrations",
                List.of("region", "date", "reported", "counted", "difference", "consistent", "newer", "reported id"), 6,
                contents -> contents.of(out.reconciliation()).stream()
                        .sorted(Comparator.comparing(RegistrationReconciliation::getRegion).thenComparing(RegistrationReconciliation::getDate))
                        .map(r -> List.of(r.getRegion(), r.getDate().toString(),
                                qualifier(r.getReportedQualifier()) + ChineseNumber.format(r.getReported()), Long.toString(r.getCounted()),
                                String.format(Locale.ROOT, "%+.0f", r.getDifference()), r.getConsistent() ? "yes" : "no", r.getNewer(),
                                r.getReportedId()))
                        .toList());
        return List.of(counts, months, reconciliation);
    }
}
