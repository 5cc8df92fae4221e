package dev.almanac.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The bench's yardstick must do the job it stands for, or the comparison with it means nothing. */
class ReferenceAppTest {

    private static String line(String id, String period, String published, String value) {
        return "{\"id\":\"" + id + "\",\"indicator\":\"gdp\",\"region\":\"SY-C001-D001\",\"period\":\"" + period
                + "\",\"value\":\"" + value + "\",\"unit\":\"CNY\",\"published\":\"" + published + "\"}";
    }

    private static TopologyTestDriver driver(boolean twoTables) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "reference-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return new TopologyTestDriver(ReferenceApp.topology("raw", "ref", twoTables), p);
    }

    private static TestInputTopic<byte[], byte[]> raw(TopologyTestDriver driver) {
        return driver.createInputTopic("raw", new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(TestInputTopic<byte[], byte[]> raw, String line) {
        raw.pipeInput(line.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> table(TopologyTestDriver driver, String topic) {
        TestOutputTopic<String, String> out = driver.createOutputTopic(topic, new StringDeserializer(), new StringDeserializer());
        return out.readKeyValuesToMap();
    }

    @Test
    void shouldKeepNewestVintageWhenOlderArrivesLate() {
        try (TopologyTestDriver driver = driver(false)) {
            TestInputTopic<byte[], byte[]> raw = raw(driver);
            send(raw, line("a", "2023", "2024-03-01", "110"));
            send(raw, line("b", "2023", "2024-01-15", "100"));
            Map<String, String> latest = table(driver, "ref.latest");
            assertEquals(1, latest.size());
            assertEquals("2024-03-01\u0000" + line("a", "2023", "2024-03-01", "110"), latest.get("gdp\u0000SY-C001-D001\u00002023"));
        }
    }

    @Test
    void shouldKeepNewestPeriodsLatestVintageInTheSecondTable() {
        try (TopologyTestDriver driver = driver(true)) {
            TestInputTopic<byte[], byte[]> raw = raw(driver);
            send(raw, line("a", "2024", "2025-01-20", "120"));
            send(raw, line("b", "2023", "2025-02-01", "101"));
            send(raw, line("c", "2024", "2025-03-01", "125"));
            Map<String, String> current = table(driver, "ref.current");
            assertEquals("2024\u00002025-03-01\u0000" + line("c", "2024", "2025-03-01", "125"), current.get("gdp\u0000SY-C001-D001"));
        }
    }

    @Test
    void shouldSkipLineThatIsNotJson() {
        try (TopologyTestDriver driver = driver(false)) {
            TestInputTopic<byte[], byte[]> raw = raw(driver);
            send(raw, "not json {");
            send(raw, line("a", "2023", "2024-03-01", "110"));
            Map<String, String> latest = table(driver, "ref.latest");
            assertEquals(1, latest.size());
            assertNull(latest.get("not json {"));
        }
    }
}
