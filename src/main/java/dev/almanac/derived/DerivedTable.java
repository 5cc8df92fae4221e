package dev.almanac.derived;

import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.List;

/** A table of the definitions file together with its kind. */
public record DerivedTable<D extends TableDefinition>(DerivedTableKind<D> kind, D definition) {

    public String name() {
        return definition.name();
    }

    public void addTo(DerivedInputs inputs) {
        kind.addTo(inputs, definition);
    }

    List<Topic<?, ?>> outputTopics(TopicCatalogue topics) {
        return kind.outputTopics(topics, definition);
    }

    public List<QueryableStore> queryableStores(TopicCatalogue topics) {
        return kind.queryableStores(topics, definition);
    }

    public List<TerminalView> terminalViews(TopicCatalogue topics) {
        return kind.terminalViews(topics, definition);
    }
}
