package dev.almanac.derived;

import dev.almanac.derived.conflict.ConflictTopology;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.series.SeriesTopology;
import dev.almanac.derived.share.ShareTopology;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.derived.registration.RegistrationTopology;
import java.util.ArrayList;
import java.util.List;

/** The output topics of the derived tables a set of definitions describes (all compacted), for creation at start-up. */
public final class DerivedTopics {

    private DerivedTopics() {
    }

    /** Every derived output topic, in definition order. The inputs (regions, registrations.raw/.rejected) are in {@link TopicCatalogue#all()}. */
    public static List<Topic<?, ?>> all(TopicCatalogue topics, DerivedDefinitions definitions) {
        List<Topic<?, ?>> out = new ArrayList<>();
        for (TableDefinition t : definitions.tables()) {
            if (t instanceof TableDefinition.Shares s) {
                out.add(ShareTopology.topic(topics, s));
            } else if (t instanceof TableDefinition.Periods p) {
                out.add(SeriesTopology.topic(topics, p));
            } else if (t instanceof TableDefinition.Growth g) {
                out.add(SeriesTopology.topic(topics, g));
            } else if (t instanceof TableDefinition.Conflicts c) {
                out.add(ConflictTopology.topic(topics, c));
            } else if (t instanceof TableDefinition.Registrations r) {
                out.addAll(RegistrationTopology.topics(topics, r).all());
            }
        }
        return out;
    }
}
