package dev.almanac.derived;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.Region;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.Published;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around the derived topology, with helpers to feed topics and read tables. */
public final class DerivedDriver implements AutoCloseable {

    public final TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
    public final DerivedDefinitions definitions;
    public final TopologyTestDriver driver;
    public final TestInputTopic<ObservationKey, IndicatorObservation> latest;
    public final TestInputTopic<ObservationKey, IndicatorObservation> valid;
    public final TestInputTopic<String, Region> regions;
    public final TestInputTopic<byte[], byte[]> rawRegistrations;
    private final Path stateDir;

    public DerivedDriver() {
        this(bundledDefinitions());
    }

    public DerivedDriver(DerivedDefinitions definitions) {
        this.definitions = definitions;
        Properties p = DerivedTopology.strictNaming();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "almanac-derived-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        try {
            stateDir = Files.createTempDirectory("almanac-derived-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(DerivedTopology.build(topics, definitions, p), p);
        latest = input(topics.latest());
        valid = input(topics.validObservations());
        regions = input(topics.regions());
        rawRegistrations = input(topics.rawRegistrations());
    }

    /** The definitions in topologies/derived.yaml of this checkout. */
    public static DerivedDefinitions bundledDefinitions() {
        try {
            Path file = Path.of(DerivedDefinitions.BUNDLED);
            return DerivedDefinitions.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public <K, V> TestInputTopic<K, V> input(Topic<K, V> t) {
        return driver.createInputTopic(t.name(), t.keySerde().serializer(), t.valueSerde().serializer());
    }

    public <K, V> TestOutputTopic<K, V> output(Topic<K, V> t) {
        return driver.createOutputTopic(t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
    }

    /** The table a compacted output topic describes: the last value per key, deletions removed. */
    public static <K, V> Map<K, V> table(TestOutputTopic<K, V> out) {
        Map<K, V> table = new LinkedHashMap<>();
        for (TestRecord<K, V> r : out.readRecordsToList()) {
            if (r.value() == null) {
                table.remove(r.key());
            } else {
                table.put(r.key(), r.value());
            }
        }
        return table;
    }

    /** Feeds an observation as the latest table's new winner (what the foundation writes). */
    public void latest(IndicatorObservation o) {
        latest.pipeInput(key(o), o, o.getPublished().toEpochMilli());
    }

    /** Feeds an observation to the valid topic (every vintage). */
    public void valid(IndicatorObservation o) {
        valid.pipeInput(key(o), o, o.getPublished().toEpochMilli());
    }

    public void region(String code, String parent, String kind) {
        regions.pipeInput(code, new Region(code, parent, code, code, kind));
    }

    public void registrationJson(String json) {
        rawRegistrations.pipeInput(null, json.getBytes(StandardCharsets.UTF_8));
    }

    public static ObservationKey key(IndicatorObservation o) {
        return new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod());
    }

    public static IndicatorObservation obs(String id, String indicator, String region, String period, double value,
                                           String unit, Qualifier q, String published) {
        return IndicatorObservation.newBuilder()
                .setId(id).setIndicator(indicator).setRegion(region).setPeriod(period).setValue(value).setUnit(unit)
                .setQualifier(q).setPublished(Published.parse(published)).setSource("test").build();
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
