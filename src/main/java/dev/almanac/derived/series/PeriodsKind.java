package dev.almanac.derived.series;

import static dev.almanac.derived.TerminalView.qualifier;

import dev.almanac.avro.DerivedPeriodValue;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.QueryableStore;
import dev.almanac.derived.TerminalView;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ChineseNumber;
import dev.almanac.observation.Period;
import java.util.Comparator;
import java.util.List;

/** {@code type: decumulation}: periods nobody reported, computed from cumulative ones. */
public final class PeriodsKind implements DerivedTableKind<TableDefinition.Periods> {

    @Override
    public Class<TableDefinition.Periods> definitionType() {
        return TableDefinition.Periods.class;
    }

    @Override
    public void addTo(DerivedInputs inputs, TableDefinition.Periods table) {
        SeriesTopology.addTo(inputs, table);
    }

    @Override
    public List<Topic<?, ?>> outputTopics(TopicCatalogue topics, TableDefinition.Periods table) {
        return List.of(SeriesTopology.topic(topics, table));
    }

    @Override
    public List<QueryableStore> queryableStores(TopicCatalogue topics, TableDefinition.Periods table) {
        return List.of(new QueryableStore("", "periods de-cumulated from cumulative reports (2025-Q3 = 2025-Q1..Q3 − 2025-H1)",
                SeriesTopology.store(table), DerivedPeriodValue.class, SeriesTopology.topic(topics, table)));
    }

    @Override
    public List<TerminalView> terminalViews(TopicCatalogue topics, TableDefinition.Periods table) {
        Topic<?, DerivedPeriodValue> topic = SeriesTopology.topic(topics, table);
        return List.of(new TerminalView("[" + topic.name() + "]", "De-cumulated periods (derived)",
                List.of("indicator", "region", "period", "value", "formula", "inputs"), 10,
                contents -> contents.of(topic).stream()
                        .sorted(Comparator.comparing(DerivedPeriodValue::getIndicator).thenComparing(DerivedPeriodValue::getRegion)
                                .thenComparing(r -> Period.parse(r.getPeriod())))
                        .map(r -> List.of(r.getIndicator(), r.getRegion(), r.getPeriod(),
                                qualifier(r.getQualifier()) + ChineseNumber.format(r.getValue()) + " " + r.getUnit(), r.getFormula(),
                                String.join(",", r.getInputIds())))
                        .toList()));
    }
}
