package dev.almanac.query;

import dev.almanac.app.Pipeline;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The whole application topology in a test driver, fed with the bundled dataset, plus an SQL engine over it. */
final class BundledData implements AutoCloseable {

    static final String APP = "query-test";

    final TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
    final TopologyTestDriver driver;
    final DriverStores stores;
    final TableRegistry tables;
    final SqlEngine engine;
    final TestInputTopic<byte[], byte[]> raw;
    private final java.nio.file.Path stateDir;

    BundledData() {
        this(10_000);
    }

    BundledData(int rowCap) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            stateDir = java.nio.file.Files.createTempDirectory("almanac-query-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        driver = new TopologyTestDriver(Pipeline.topology(topics), p);
        raw = driver.createInputTopic(topics.rawObservations().name(), new ByteArraySerializer(), new ByteArraySerializer());
        for (String line : lines()) {
            send(line);
        }
        stores = new DriverStores(driver, APP);
        tables = QueryTables.standard(topics);
        engine = new SqlEngine(tables, new LocalRouter(new LocalPartitionReader(stores, tables), 1),
                new SqlEngine.Limits(rowCap, java.time.Duration.ofSeconds(30), 1));
    }

    void send(String line) {
        raw.pipeInput(null, line.getBytes(StandardCharsets.UTF_8));
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
        dev.almanac.broker.EmbeddedBroker.deleteTree(stateDir);
    }
}
