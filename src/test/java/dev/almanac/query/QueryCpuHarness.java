package dev.almanac.query;

import dev.almanac.foundation.FoundationTopology;
import dev.almanac.ingest.SyntheticObservations;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * CPU time per statement of the query engine over the foundation's real stores (RocksDB, record cache),
 * with the synthetic data of {@code ./almanac bench queries}, one thread, no HTTP. Thread CPU time
 * rather than wall-clock time: on a machine busy with other work, CPU time per statement still compares
 * two builds. Not a test: run by hand, e.g.
 * {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt) dev.almanac.query.QueryCpuHarness}.
 */
public final class QueryCpuHarness {

    private QueryCpuHarness() {
    }

    public static void main(String[] args) throws Exception {
        long preload = args.length > 0 ? Long.parseLong(args[0]) : 180_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
        Path state = Files.createTempDirectory("almanac-cpu-harness");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "cpu-harness");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(FoundationTopology.build(topics), p)) {
            TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(topics.rawObservations().name(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            SyntheticObservations gen = new SyntheticObservations(preload, 50, 42);
            while (gen.hasNext()) {
                raw.pipeInput(null, gen.next().getBytes(StandardCharsets.UTF_8));
            }
            TableRegistry tables = QueryTables.standard(topics);
            LocalPartitionReader reader = new LocalPartitionReader(new DriverStores(driver, "cpu-harness"), tables);
            try (SqlEngine engine = new SqlEngine(tables, new LocalRouter(reader, 1), new SqlEngine.Limits(10_000, Duration.ofMinutes(2), 1))) {
                List<List<Object>> series = engine.query(
                        "SELECT indicator, region FROM latest GROUP BY indicator, region HAVING COUNT(*) >= 100").rows();
                List<String> prefixes = new ArrayList<>();
                for (List<Object> s : series) {
                    prefixes.add("SELECT * FROM latest WHERE indicator = '" + s.get(0) + "' AND region = '" + s.get(1) + "' LIMIT 100");
                }
                System.out.printf("preload %,d: current %s rows, latest %s rows, %d series with at least 100 periods%n", preload,
                        engine.query("SELECT COUNT(*) FROM current").rows().get(0).get(0),
                        engine.query("SELECT COUNT(*) FROM latest").rows().get(0).get(0), prefixes.size());
                measure(engine, "COUNT(*) FROM current", List.of("SELECT COUNT(*) FROM current"), rounds);
                measure(engine, "100-row prefix queries on latest", prefixes, rounds);
                measure(engine, "SELECT * FROM current LIMIT 100", List.of("SELECT * FROM current LIMIT 100"), rounds);
            }
        } finally {
            dev.almanac.broker.EmbeddedBroker.deleteTree(state);
        }
    }

    private static void measure(SqlEngine engine, String name, List<String> statements, int rounds) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < rounds; i++) {
            engine.query(statements.get(i % statements.size())); // warm-up: compiled code, caches
        }
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t = cpu.getCurrentThreadCpuTime();
            engine.query(statements.get(i % statements.size()));
            nanos[i] = cpu.getCurrentThreadCpuTime() - t;
        }
        Arrays.sort(nanos);
        System.out.printf("%-34s CPU per statement: median %.3f ms, p90 %.3f ms, mean %.3f ms (%d statements)%n", name,
                nanos[rounds / 2] / 1e6, nanos[rounds * 9 / 10] / 1e6, Arrays.stream(nanos).average().orElse(0) / 1e6, rounds);
    }
}
