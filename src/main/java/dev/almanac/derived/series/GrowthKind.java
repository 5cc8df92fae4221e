package dev.almanac.derived.series;

import static dev.almanac.derived.TerminalView.percent;
import static dev.almanac.derived.TerminalView.qualifier;

import dev.almanac.avro.GrowthRate;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.QueryableStore;
import dev.almanac.derived.TerminalView;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Period;
import java.util.Comparator;
import java.util.List;

/** {@code type: yoy_growth}: growth against the same period one year earlier. */
public final class GrowthKind implements DerivedTableKind<TableDefinition.Growth> {

    @Override
    public Class<TableDefinition.Growth> definitionType() {
        return TableDefinition.Growth.class;
    }

    @Override
    public void addTo(DerivedInputs inputs, TableDefinition.Growth table) {
        SeriesTopology.addTo(inputs, table);
    }

    @Override
    public List<Topic<?, ?>> outputTopics(TopicCatalogue topics, TableDefinition.Growth table) {
        return List.of(SeriesTopology.topic(topics, table));
    }

    @Override
    public List<QueryableStore> queryableStores(TopicCatalogue topics, TableDefinition.Growth table) {
        return List.of(new QueryableStore("", "year-over-year growth in percent from the latest values",
                SeriesTopology.store(table), GrowthRate.class, SeriesTopology.topic(topics, table)));
    }

    @Override
    public List<TerminalView> terminalViews(TopicCatalogue topics, TableDefinition.Growth table) {
        Topic<?, GrowthRate> topic = SeriesTopology.topic(topics, table);
        return List.of(new TerminalView("[" + topic.name() + "]", "Year-over-year growth",
                List.of("indicator", "region", "period", "vs", "growth", "inputs"), 10,
                contents -> contents.of(topic).stream()
                        .sorted(Comparator.comparing(GrowthRate::getBaseIndicator).thenComparing(GrowthRate::getRegion)
                                .thenComparing(r -> Period.parse(r.getPeriod())))
                        .map(r -> List.of(r.getBaseIndicator(), r.getRegion(), r.getPeriod(), r.getPreviousPeriod(),
                                qualifier(r.getQualifier()) + percent(r.getValue()) + (r.getFromDerivedPeriods() ? " (from derived periods)" : ""),
                                String.join(",", r.getInputIds())))
                        .toList()));
    }
}
