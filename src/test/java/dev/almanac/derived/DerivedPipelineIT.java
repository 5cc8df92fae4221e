package dev.almanac.derived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.TopicAdmin;
import dev.almanac.avro.Conflict;
import dev.almanac.avro.DerivedPeriodValue;
import dev.almanac.avro.GrowthRate;
import dev.almanac.avro.ConflictKey;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.Region;
import dev.almanac.avro.RegistrationCount;
import dev.almanac.avro.RegistrationReconciliation;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.conflict.ConflictDetector;
import dev.almanac.derived.conflict.ConflictTopology;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.series.SeriesTopology;
import dev.almanac.derived.share.ShareTopology;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.region.RegionJson;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.derived.registration.RegistrationTopology;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaClusterExtension;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The derived tables on a real broker, run as their own application beside the foundation (as the
 * pipeline runs them): the bundled observations and regions plus a generated registration stream in,
 * derived topics out in Confluent wire format.
 */
@Timeout(300)
class DerivedPipelineIT {

    @RegisterExtension
    static final KafkaClusterExtension cluster = new KafkaClusterExtension(1);

    @Test
    void shouldPublishDerivedTablesWhenBundledDataAndGeneratedRegistrationsAreReplayed(@TempDir Path state) throws Exception {
        AlmanacConfig config = AlmanacConfig.defaults(cluster.bootstrapServers(), state.resolve("foundation"))
                .withApplicationId("derived-it").withTopicPrefix("dit");
        TopicCatalogue topics = Fixtures.catalogue(config.topicPrefix());
        DerivedDefinitions defs = DerivedDefinitions.load(Path.of(DerivedDefinitions.BUNDLED));
        TableDefinition.Registrations registrations = defs.registrations().orElseThrow();
        List<ModelRegistration> generated = Fixtures.demoRegistrations();

        // The pipeline runs the foundation and the derived tables as two applications.
        try (Pipeline pipeline = new Pipeline(config, topics, defs).start(Duration.ofSeconds(60))) {
            {
                KafkaStreams derived = pipeline.derivedStreams();

                Fixtures.sendBundledRegions(cluster.bootstrapServers(), topics);
                try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
                    Fixtures.bundledObservations().forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
                    generated.forEach(r -> producer.sendLine(topics.rawRegistrations().name(), RegistrationJson.toJson(r)));
                    producer.sendLine(topics.rawRegistrations().name(), "{\"id\": \"broken\"}");
                    // Cumulative reports of several series, interleaved: each series' periods must meet in one
                    // partition for the periods and growth tables (the latest topic is partitioned by series).
                    for (int year = 2010; year <= 2011; year++) {
                        for (String period : new String[] {year + "-H1", year + "-Q1..Q3"}) {
                            for (int i = 0; i < SERIES_REGIONS.length; i++) {
                                producer.sendLine(topics.rawObservations().name(), cumulativeGdp(SERIES_REGIONS[i], period, i, year));
                            }
                        }
                    }
                    producer.flush();
                }

                String periodsStore = SeriesTopology.store(defs.tables(TableDefinition.Periods.class).get(0));
                String growthStore = SeriesTopology.store(defs.tables(TableDefinition.Growth.class).get(0));
                for (int i = 0; i < SERIES_REGIONS.length; i++) {
                    ObservationKey q3 = new ObservationKey("gdp", SERIES_REGIONS[i], "2011-Q3");
                    DerivedPeriodValue derivedQ3 = await(() -> this.<ObservationKey, DerivedPeriodValue>store(derived, periodsStore).get(q3),
                            "2011-Q3 derived for " + SERIES_REGIONS[i]);
                    assertEquals(cumulativeValue(i, 2011, "Q1..Q3") - cumulativeValue(i, 2011, "H1"), derivedQ3.getValue(), 1e-3);
                    GrowthRate growthQ3 = await(() -> this.<ObservationKey, GrowthRate>store(derived, growthStore).get(q3),
                            "growth of 2011-Q3 for " + SERIES_REGIONS[i]);
                    assertEquals(10.0, growthQ3.getValue(), 1e-9);
                }

                ObservationKey pudong = new ObservationKey("gdp", "CN-SH-PD", "2025");
                ShareOfParent share = await(() -> this.<ObservationKey, ShareOfParent>store(derived,
                        ShareTopology.store(defs.tables(TableDefinition.Shares.class).get(0))).get(pudong), "Pudong's GDP share");
                assertEquals(100 * 1.88 / 5.67, share.getValue(), 1e-9);
                assertEquals(Qualifier.estimate, share.getQualifier());
                assertEquals(List.of("a003-005", "a003-001"), share.getInputIds());

                ObservationKey endOf2025 = new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-12-31");
                RegistrationReconciliation rec = await(() -> {
                    RegistrationReconciliation r = this.<ObservationKey, RegistrationReconciliation>store(derived,
                            RegistrationTopology.reconciliationStore(registrations)).get(endOf2025);
                    return r != null && r.getCounted() == 209 ? r : null;
                }, "Beijing's counted registrations to reach the reported 209");
                assertEquals(0.0, rec.getDifference());
                assertTrue(rec.getConsistent());
                var recStore = this.<ObservationKey, RegistrationReconciliation>store(derived, RegistrationTopology.reconciliationStore(registrations));
                assertEquals(132, recStore.get(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-06-23")).getCounted());
                assertEquals(183, recStore.get(new ObservationKey("registered_llm_count", "CN-BJ", "asof:2025-12-08")).getCounted());

                RegistrationCount world = await(() -> {
                    RegistrationCount c = this.<String, RegistrationCount>store(derived, RegistrationTopology.cumulativeStore(registrations)).get("WORLD");
                    return c != null && c.getCount() == 627 ? c : null;
                }, "every generated registration rolled up to WORLD");
                assertEquals(627, world.getCount());
                ValidationCounts counts = await(() -> {
                    ValidationCounts c = ValidationCounts.sum(store(derived, RegistrationTopology.validationCountsStore(registrations)));
                    return c.rejected() == 1 ? c : null;
                }, "the broken registration to be dead-lettered");
                assertEquals(627, counts.accepted());

                Conflict jump = await(() -> {
                    List<Conflict> found = new ArrayList<>();
                    this.<ConflictKey, Conflict>store(derived, ConflictTopology.store(defs.tables(TableDefinition.Conflicts.class).get(0)))
                            .all().forEachRemaining(kv -> {
                                if (kv.key.getKind().equals(ConflictDetector.PERIOD_JUMP) && kv.key.getIndicator().equals("national_key_labs")) {
                                    found.add(kv.value);
                                }
                            });
                    return found.isEmpty() ? null : found.get(0);
                }, "the national key labs jump 77 → 145");
                assertEquals("a004-019", jump.getFirstId());
                assertEquals("a003-035", jump.getSecondId());

                Map<String, GenericRecord> shares = readTable(topics, ShareTopology.topic(topics, defs.tables(TableDefinition.Shares.class).get(0)).name(),
                        ShareOfParent.getClassSchema());
                GenericRecord fromTopic = shares.get("gdp|CN-SH-PD|2025");
                assertEquals("CN-SH", fromTopic.get("parent").toString());
                assertEquals(share.getValue(), (Double) fromTopic.get("value"), 1e-12);

                // Every topic of the pipeline, Almanac's own and Kafka Streams' changelogs and repartitions, rolls
                // its segments by size only: the records carry publication times years apart.
                try (Admin admin = TopicAdmin.admin(cluster.bootstrapServers())) {
                    List<String> pipelineTopics = admin.listTopics().names().get().stream()
                            .filter(t -> t.startsWith(config.topicPrefix() + ".") || t.startsWith(config.applicationId() + "-")).sorted().toList();
                    assertTrue(pipelineTopics.stream().anyMatch(t -> t.endsWith("-changelog")), pipelineTopics.toString());
                    assertTrue(pipelineTopics.stream().anyMatch(t -> t.endsWith("-repartition")), pipelineTopics.toString());
                    List<ConfigResource> resources = pipelineTopics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
                    admin.describeConfigs(resources).all().get().forEach((resource, topicConfig) ->
                            assertEquals(TopicAdmin.SEGMENT_MS, topicConfig.get(TopicConfig.SEGMENT_MS_CONFIG).value(), resource.name()));
                }
            }
        }
    }

    /** Regions whose series the periods and growth check spreads over the partitions (CN-BJ-HD starts with CN-BJ). */
    private static final String[] SERIES_REGIONS = {"CN-BJ", "CN-BJ-HD", "CN-SH", "CN-GD", "CN-ZJ", "CN-TJ"};

    /** Cumulative value of series {@code i}: 10 % more in 2011 than in 2010, Q1..Q3 1.5 × H1. */
    private static double cumulativeValue(int i, int year, String part) {
        double h1 = 1000.0 * (i + 1) * (year == 2011 ? 1.1 : 1.0);
        return part.equals("H1") ? h1 : 1.5 * h1;
    }

    private static String cumulativeGdp(String region, String period, int i, int year) {
        String part = period.substring(5);
        return String.format(java.util.Locale.ROOT, "{\"id\": \"it-%s-%s\", \"indicator\": \"gdp\", \"region\": \"%s\", "
                + "\"period\": \"%s\", \"value\": %.1f, \"unit\": \"CNY\", \"qualifier\": \"exact\", "
                + "\"published\": \"%d-12-01\", \"source\": \"it\"}", region, period, region, period,
                cumulativeValue(i, year, part), year);
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(KafkaStreams streams, String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
    }

    /** Waits until {@code condition} yields a value, re-checking every 100 ms, failing after two minutes. */
    private static <T> T await(Supplier<T> condition, String what) {
        // the store is not queryable while the application (re)balances: try again
        return Awaitility.await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .ignoreException(InvalidStateStoreException.class)
                .until(condition::get, Objects::nonNull);
    }

    /** Reads a derived topic and decodes its Confluent wire format by hand (magic byte, schema id, Avro binary). */
    private Map<String, GenericRecord> readTable(TopicCatalogue topics, String topic, org.apache.avro.Schema valueSchema) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, GenericRecord> table = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            int emptyPolls = 0;
            while (Instant.now().isBefore(deadline) && (table.isEmpty() || emptyPolls < 3)) {
                var records = c.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ByteBuffer header = ByteBuffer.wrap(r.key(), 0, 5);
                    assertEquals(0, header.get(), "magic byte of the key");
                    assertEquals(LocalSchemaRegistry.idOf(ObservationKey.getClassSchema()), header.getInt(), "key schema id");
                    GenericRecord key = new GenericDatumReader<GenericRecord>(ObservationKey.getClassSchema())
                            .read(null, DecoderFactory.get().binaryDecoder(r.key(), 5, r.key().length - 5, null));
                    String k = key.get("indicator") + "|" + key.get("region") + "|" + key.get("period");
                    if (r.value() == null) {
                        table.remove(k);
                        continue;
                    }
                    ByteBuffer vh = ByteBuffer.wrap(r.value(), 0, 5);
                    assertEquals(0, vh.get(), "magic byte of the value");
                    assertEquals(LocalSchemaRegistry.idOf(valueSchema), vh.getInt(), "value schema id");
                    table.put(k, new GenericDatumReader<GenericRecord>(valueSchema)
                            .read(null, DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null)));
                }
            }
        }
        return table;
    }

    /** Reported totals the generator matches, from the bundled observations. */}
