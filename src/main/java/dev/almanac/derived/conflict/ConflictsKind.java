package dev.almanac.derived.conflict;

import dev.almanac.avro.Conflict;
import dev.almanac.derived.DerivedInputs;
import dev.almanac.derived.DerivedTableKind;
import dev.almanac.derived.QueryableStore;
import dev.almanac.derived.TerminalView;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.Comparator;
import java.util.List;

/** {@code type: conflicts}: disagreeing observations and suspicious jumps. */
public final class ConflictsKind implements DerivedTableKind<TableDefinition.Conflicts> {

    @Override
    public Class<TableDefinition.Conflicts> definitionType() {
        return TableDefinition.Conflicts.class;
    }

    @Override
    public void addTo(DerivedInputs inputs, TableDefinition.Conflicts table) {
        ConflictTopology.addTo(inputs, table);
    }

    @Override
    public List<Topic<?, ?>> outputTopics(TopicCatalogue topics, TableDefinition.Conflicts table) {
        return List.of(ConflictTopology.topic(topics, table));
    }

    @Override
    public List<QueryableStore> queryableStores(TopicCatalogue topics, TableDefinition.Conflicts table) {
        return List.of(new QueryableStore("", "conflicting observations, revision jumps and period jumps",
                ConflictTopology.store(table), Conflict.class, ConflictTopology.topic(topics, table)));
    }

    @Override
    public List<TerminalView> terminalViews(TopicCatalogue topics, TableDefinition.Conflicts table) {
        Topic<?, Conflict> topic = ConflictTopology.topic(topics, table);
        return List.of(new TerminalView("[" + topic.name() + "]", "Conflicts and jumps",
                List.of("kind", "indicator", "region", "ids", "detail"), 10,
                contents -> contents.of(topic).stream()
                        .sorted(Comparator.comparing(Conflict::getKind).thenComparing(Conflict::getIndicator)
                                .thenComparing(Conflict::getRegion).thenComparing(Conflict::getSecondPeriod))
                        .map(r -> List.of(r.getKind(), r.getIndicator(), r.getRegion(), r.getFirstId() + " vs " + r.getSecondId(),
                                r.getDetail()))
                        .toList()));
    }
}
