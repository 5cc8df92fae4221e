package dev.almanac.derived;

import dev.almanac.cli.DerivedText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.Conflict;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.avro.RegistrationCount;
import dev.almanac.avro.RegistrationMonth;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.conflict.ConflictTopology;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.share.ShareTopology;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.region.RegionJson;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.kafka.Topic;
import dev.almanac.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The bundled dataset through the foundation and then the derived tables (two drivers, as two
 * applications), rendered as the demo shows them. The rendered text is printed: docs/derived-tables.md quotes it.
 */
class BundledDataDerivedTest {

    @Test
    void shouldDeriveTablesFromTheBundledDataWhenReplayed() throws Exception {
        try (DerivedDriver d = new DerivedDriver()) {
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "foundation-for-derived-test");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("foundation-for-derived").toString());
            try (TopologyTestDriver foundation = new TopologyTestDriver(FoundationTopology.build(d.topics), p)) {
                var raw = foundation.createInputTopic(d.topics.rawObservations().name(),
                        d.topics.rawObservations().keySerde().serializer(), d.topics.rawObservations().valueSerde().serializer());
                var valid = foundation.createOutputTopic(d.topics.validObservations().name(),
                        d.topics.validObservations().keySerde().deserializer(), d.topics.validObservations().valueSerde().deserializer());
                var latest = foundation.createOutputTopic(d.topics.latest().name(),
                        d.topics.latest().keySerde().deserializer(), d.topics.latest().valueSerde().deserializer());
                for (Region r : RegionJson.parseAll(Files.readAllLines(Path.of("data/regions.jsonl")))) {
                    d.regions.pipeInput(r.getCode(), r);
                }
                Fixtures.bundledObservations().forEach(l -> raw.pipeInput(null, l.getBytes(StandardCharsets.UTF_8)));
                for (TestRecord<ObservationKey, IndicatorObservation> r : valid.readRecordsToList()) {
                    d.valid.pipeInput(r);
                }
                for (TestRecord<ObservationKey, IndicatorObservation> r : latest.readRecordsToList()) {
                    d.latest.pipeInput(r);
                }
            }
            List<ModelRegistration> generated = Fixtures.demoRegistrations();
            generated.forEach(r -> d.registrationJson(RegistrationJson.toJson(r)));

            // Each output topic read once into a table; the views and the assertions share it.
            Map<String, Map<?, ?>> tables = new HashMap<>();
            TerminalView.TableContents contents = new TerminalView.TableContents() {
                @Override
                @SuppressWarnings("unchecked")
                public <V> Collection<V> of(Topic<?, V> topic) {
                    return (Collection<V>) tables.computeIfAbsent(topic.name(), n -> DerivedDriver.table(d.output(topic))).values();
                }
            };
            StringBuilder rendered = new StringBuilder();
            for (DerivedTable<?> table : DerivedKinds.tables(d.definitions)) {
                for (TerminalView view : table.terminalViews(d.topics)) {
                    rendered.append(view.heading()).append('\n').append(DerivedText.render(view, contents)).append('\n');
                }
            }
            String text = rendered.toString();
            var defs = d.definitions;
            var reg = RegistrationTopology.topics(d.topics, defs.registrations().orElseThrow());
            Map<ObservationKey, ShareOfParent> shares = table(tables, ShareTopology.topic(d.topics, defs.tables(TableDefinition.Shares.class).get(0)));
            Map<ConflictKey, Conflict> conflicts = table(tables, ConflictTopology.topic(d.topics, defs.tables(TableDefinition.Conflicts.class).get(0)));
            Map<String, RegistrationCount> cumulative = table(tables, reg.cumulative());
            Map<?, RegistrationMonth> monthly = table(tables, reg.monthly());
            Map<ObservationKey, RegistrationReconciliation> reconciliation = table(tables, reg.reconciliation());

            System.out.println(text);

            assertEquals(100 * 1.88 / 5.67, shares.get(new ObservationKey("gdp", "CN-SH-PD", "2025")).getValue(), 1e-9);
            assertTrue(text.contains("CN-SH-PD  CN-SH  2025    ~33.16 %"), text);
            assertTrue(text.contains("Reported vs counted registrations (3)"), text);
            assertTrue(conflicts.values().stream().anyMatch(c -> c.getIndicator().equals("national_key_labs")));
            assertEquals(209, reconciliation.get(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-12-31")).getCounted());
            assertEquals(627, cumulative.get("CN").getCount());
            assertEquals(627, monthly.values().stream().mapToLong(RegistrationMonth::getCount).sum(),
                    "every registration counts in the month of its registration date");
        }
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V> table(Map<String, Map<?, ?>> tables, Topic<K, V> topic) {
        return (Map<K, V>) tables.get(topic.name());
    }
}
