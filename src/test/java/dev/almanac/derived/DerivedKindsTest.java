package dev.almanac.derived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DerivedKindsTest {

    @Test
    void shouldHaveExactlyOneKindForEveryPermittedTableDefinition() {
        Set<Class<?>> permitted = Arrays.stream(TableDefinition.class.getPermittedSubclasses())
                .collect(Collectors.toSet());
        assertFalse(permitted.isEmpty());
        for (Class<?> definition : permitted) {
            List<DerivedTableKind<?>> kinds = DerivedKinds.ALL.stream().filter(k -> k.definitionType() == definition).toList();
            assertEquals(1, kinds.size(), "kinds for " + definition.getSimpleName() + ": " + kinds);
        }
        assertEquals(permitted, DerivedKinds.ALL.stream().map(DerivedTableKind::definitionType).collect(Collectors.toSet()));
    }

    @Test
    void shouldDeclareTopicsStoresAndViewsForEveryBundledTable() {
        DerivedDefinitions definitions = DerivedDefinitions.bundled();
        TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
        List<DerivedTable<?>> tables = DerivedKinds.tables(definitions);
        assertEquals(definitions.tables().size(), tables.size());
        for (DerivedTable<?> table : tables) {
            assertFalse(table.outputTopics(topics).isEmpty(), table.name());
            assertFalse(table.queryableStores(topics).isEmpty(), table.name());
            assertFalse(table.terminalViews(topics).isEmpty(), table.name());
            table.queryableStores(topics).forEach(q -> assertTrue(q.store().startsWith(table.name() + "-"), q.store()));
        }
    }
}
