package dev.almanac.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.kafka.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The yardstick the throughput targets were set against (issue 9): a minimal Kafka Streams application doing
 * only the core of the foundation, written the way a plain Kafka Streams user would. It parses each JSON line,
 * repartitions by (indicator, region, period), keeps the newest vintage (greatest {@code published}) in one
 * cached store and writes that table to a topic; with {@code twoTables} it also keeps the newest period's value
 * per (indicator, region) in a second table, as the foundation's {@code current} does. It validates nothing,
 * keeps no history, breaks ties arbitrarily and compares periods as text: it is what the foundation does at the
 * least, so the bench can say how far Almanac's rate is from it on the same broker in the same run.
 */
final class ReferenceApp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Serde<String> STRING = Serdes.String();

    private ReferenceApp() {
    }

    /** The output topics, for creation before the application starts. */
    static List<Topic<?, ?>> outputTopics(String prefix, boolean twoTables) {
        Topic<String, String> latest = new Topic<>(prefix + ".latest", STRING, STRING, true);
        return twoTables ? List.of(latest, new Topic<>(prefix + ".current", STRING, STRING, true)) : List.of(latest);
    }

    /** The application reading the JSON lines of {@code rawTopic}; its stores and topics are named after {@code prefix}. */
    static Topology topology(String rawTopic, String prefix, boolean twoTables) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> latest = builder
                .stream(rawTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("reference-raw"))
                .flatMap((k, line) -> {
                    KeyValue<String, String> parsed = parse(line);
                    return parsed == null ? List.<KeyValue<String, String>>of() : List.of(parsed);
                }, Named.as("reference-parse"))
                .groupByKey(Grouped.with("reference-by-series", STRING, STRING))
                .reduce(ReferenceApp::newer, Named.as("reference-newest-vintage"),
                        Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("reference-latest-store")
                                .withKeySerde(STRING).withValueSerde(STRING));
        latest.toStream(Named.as("reference-latest-changes"))
                .to(prefix + ".latest", Produced.with(STRING, STRING).withName("reference-latest-sink"));
        if (twoTables) {
            latest.toStream(Named.as("reference-latest-for-current"))
                    .map((series, value) -> KeyValue.pair(seriesOf(series), periodOf(series) + '\u0000' + value),
                            Named.as("reference-by-indicator-region"))
                    .groupByKey(Grouped.with("reference-current-by-series", STRING, STRING))
                    .reduce(ReferenceApp::newer, Named.as("reference-newest-period"),
                            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("reference-current-store")
                                    .withKeySerde(STRING).withValueSerde(STRING))
                    .toStream(Named.as("reference-current-changes"))
                    .to(prefix + ".current", Produced.with(STRING, STRING).withName("reference-current-sink"));
        }
        return builder.build();
    }

    /** Key {@code indicator \0 region \0 period}, value {@code published \0 line}; null for a line that does not parse. */
    static KeyValue<String, String> parse(byte[] line) {
        try {
            JsonNode o = JSON.readTree(line);
            String key = o.path("indicator").asText() + '\u0000' + o.path("region").asText() + '\u0000' + o.path("period").asText();
            return KeyValue.pair(key, o.path("published").asText() + '\u0000' + new String(line, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The value whose prefix, the text before its first zero char, is greater: the later {@code published} date
     * of two vintages (ISO dates compare as text), the later period of two current values. The arrived one on
     * a tie: for the current table, the same period arriving again is its newer vintage.
     */
    static String newer(String held, String arrived) {
        return prefix(arrived).compareTo(prefix(held)) >= 0 ? arrived : held;
    }

    private static String prefix(String value) {
        return value.substring(0, value.indexOf('\u0000'));
    }

    private static String seriesOf(String key) {
        return key.substring(0, key.lastIndexOf('\u0000'));
    }

    private static String periodOf(String key) {
        return key.substring(key.lastIndexOf('\u0000') + 1);
    }
}
