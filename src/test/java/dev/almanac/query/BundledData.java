package dev.almanac.query;

import dev.almanac.runtime.Pipeline;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Region;
import dev.almanac.derived.DerivedDriver;
import dev.almanac.derived.DerivedTopology;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.region.RegionJson;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The foundation (with the region index) and the derived tables in two topology test drivers, as the
 * two applications run, fed with the bundled observations and regions, and an SQL engine over their
 * real stores.
 */
final class BundledData implements AutoCloseable {

    static final String APP = "query-test";

    final TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
    final TopologyTestDriver driver;
    final DerivedDriver derived;
    final DriverStores stores;
    final DriverStores derivedStores;
    final TableRegistry tables;
    final SqlEngine engine;
    final LocalPartitionReader reader;
    final TestInputTopic<byte[], byte[]> raw;
    private final TestOutputTopic<ObservationKey, IndicatorObservation> valid;
    private final TestOutputTopic<ObservationKey, IndicatorObservation> latest;
    private final Path stateDir;

    BundledData() {
        this(10_000);
    }

    BundledData(int rowCap) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            stateDir = Files.createTempDirectory("almanac-query-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        driver = new TopologyTestDriver(Pipeline.topology(topics), p);
        raw = driver.createInputTopic(topics.rawObservations().name(), new ByteArraySerializer(), new ByteArraySerializer());
        valid = driver.createOutputTopic(topics.validObservations().name(), topics.validObservations().keySerde().deserializer(),
                topics.validObservations().valueSerde().deserializer());
        latest = driver.createOutputTopic(topics.latest().name(), topics.latest().keySerde().deserializer(),
                topics.latest().valueSerde().deserializer());
        derived = new DerivedDriver();
        try {
            for (Region r : RegionJson.parseAll(Files.readAllLines(Path.of("data/regions.jsonl")))) {
                derived.regions.pipeInput(r.getCode(), r);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String line : lines()) {
            send(line);
        }
        stores = new DriverStores(driver, APP);
        derivedStores = new DriverStores(derived.driver, "almanac-derived-test");
        Properties dp = DerivedTopology.strictNaming();
        dp.put(StreamsConfig.APPLICATION_ID_CONFIG, "almanac-derived-test");
        tables = QueryTables.withDerived(topics, derived.definitions, DerivedTopology.build(derived.topics, derived.definitions, dp),
                "almanac-derived-test");
        reader = new LocalPartitionReader(
                Map.of(TableDef.Application.FOUNDATION, stores, TableDef.Application.DERIVED, derivedStores), tables);
        // A generous time limit: each new statement shape compiles Calcite code, which on a 2-core machine busy with
        // other builds took over 30 s (SqlEngineTest's first AS OF on current, 2026-12-01, load average 45).
        engine = new SqlEngine(tables, new LocalRouter(reader, 1), new SqlEngine.Limits(rowCap, Duration.ofMinutes(2), 1));
    }

    /** Sends a raw line through the foundation, and its valid and latest output on to the derived tables. */
    void send(String line) {
        raw.pipeInput(null, line.getBytes(StandardCharsets.UTF_8));
        for (TestRecord<ObservationKey, IndicatorObservation> r : valid.readRecordsToList()) {
            derived.valid.pipeInput(r);
        }
        for (TestRecord<ObservationKey, IndicatorObservation> r : latest.readRecordsToList()) {
            derived.latest.pipeInput(r);
        }
    }

    static List<String> lines() {
        return dev.almanac.testing.Fixtures.bundledObservations();
    }

    /** The rows of a query as lists of values. */
    List<List<Object>> rows(String sql) {
        return engine.query(sql).rows();
    }

    @Override
    public void close() {
        engine.close();
        driver.close();
        derived.close();
        dev.almanac.broker.EmbeddedBroker.deleteTree(stateDir);
    }
}
