package dev.almanac.derived;

import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import java.util.ArrayList;
import java.util.List;

/** The output topics of the derived tables a set of definitions describes (all compacted), for creation at start-up. */
public final class DerivedTopics {

    private DerivedTopics() {
    }

    /** Every derived output topic, in definition order. The inputs (regions, registrations.raw/.rejected) are in {@link TopicCatalogue#all()}. */
    public static List<Topic<?, ?>> all(TopicCatalogue topics, DerivedDefinitions definitions) {
        List<Topic<?, ?>> out = new ArrayList<>();
        for (DerivedTable<?> table : DerivedKinds.tables(definitions)) {
            out.addAll(table.outputTopics(topics));
        }
        return out;
    }
}
