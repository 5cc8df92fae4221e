package dev.almanac.derived.share;

import static dev.almanac.derived.TerminalView.percent;
import static dev.almanac.derived.TerminalView.qualifier;

import dev.almanac.avro.ShareOfParent;
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

/** {@code type: share_of_parent}: 100 × value(region) / value(parent) per indicator and period. */
public final class SharesKind implements DerivedTableKind<TableDefinition.Shares> {

    @Override
    public Class<TableDefinition.Shares> definitionType() {
        return TableDefinition.Shares.class;
    }

    @Override
    public void addTo(DerivedInputs inputs, TableDefinition.Shares table) {
        ShareTopology.addTo(inputs, table);
    }

    @Override
    public List<Topic<?, ?>> outputTopics(TopicCatalogue topics, TableDefinition.Shares table) {
        return List.of(ShareTopology.topic(topics, table));
    }

    @Override
    public List<QueryableStore> queryableStores(TopicCatalogue topics, TableDefinition.Shares table) {
        return List.of(new QueryableStore("", "share of the parent region: 100 × value(region) / value(parent), per indicator and period",
                ShareTopology.store(table), ShareOfParent.class, ShareTopology.topic(topics, table)));
    }

    @Override
    public List<TerminalView> terminalViews(TopicCatalogue topics, TableDefinition.Shares table) {
        Topic<?, ShareOfParent> topic = ShareTopology.topic(topics, table);
        return List.of(new TerminalView("[" + topic.name() + "]", "Shares of parent",
                List.of("indicator", "region", "of", "period", "share", "region value", "parent value", "inputs"), 10,
                contents -> contents.of(topic).stream()
                        .sorted(Comparator.comparing(ShareOfParent::getBaseIndicator).thenComparing(ShareOfParent::getRegion)
                                .thenComparing(r -> Period.parse(r.getPeriod())))
                        .map(r -> List.of(r.getBaseIndicator(), r.getRegion(), r.getParent(), r.getPeriod(),
                                qualifier(r.getQualifier()) + percent(r.getValue()),
                                ChineseNumber.format(r.getRegionValue()) + " " + r.getBaseUnit(),
                                ChineseNumber.format(r.getParentValue()) + " " + r.getBaseUnit(), String.join(",", r.getInputIds())))
                        .toList()));
    }
}
