package dev.almanac.derived.conflict;

import static dev.almanac.derived.DerivedDriver.obs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vintages writer hands the conflicts tables the same changes, in the same order, whether it reads a
 * series from its cache or from the store: with no cache, with a cache so small that it evicts and stops
 * loading all the time (serving some series, reading others from the store), and with the default bound.
 */
class ConflictVintagesCacheTest {

    private static final TopicCatalogue TOPICS = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
    private static final List<IndicatorObservation> INPUT = new ArrayList<>();

    /**
     * Many short annual and quarterly series in random order, some ids sent again (changed or not), and
     * one monthly series longer than the cache takes.
     */
    @BeforeAll
    static void input() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n = 0; n < 12_000; n++) {
            if (random.nextInt(10) == 0 && !INPUT.isEmpty()) {
                IndicatorObservation again = INPUT.get(random.nextInt(INPUT.size()));
                INPUT.add(IndicatorObservation.newBuilder(again).setValue(again.getValue() + random.nextInt(2)).build());
                continue;
            }
            String region = "SY-D" + random.nextInt(60);
            int year = 2000 + random.nextInt(20);
            String period = random.nextBoolean() ? Integer.toString(year) : year + "-Q" + (1 + random.nextInt(4));
            double value = 100 * (random.nextInt(8) == 0 ? 2 : 1) + random.nextInt(3);
            String published = LocalDate.of(year + 1, 1, 1).plusDays(random.nextInt(400)).toString();
            INPUT.add(obs("o" + n, random.nextBoolean() ? "x_count" : "y_count", region, period, value, "count",
                    random.nextInt(6) == 0 ? Qualifier.approx : Qualifier.exact, published));
        }
        for (int n = 0; n < ConflictTopology.MAX_SERIES_POINTS + 200; n++) {
            int month = random.nextInt(600);
            String period = String.format("%04d-%02d", 1970 + month / 12, 1 + month % 12);
            String published = LocalDate.of(1970 + month / 12, 1 + month % 12, 1).plusMonths(1).plusDays(random.nextInt(90)).toString();
            INPUT.add(obs("long-" + n, "x_count", "SY-LONG", period, 100 + random.nextInt(3) * 60, "count", Qualifier.exact, published));
        }
        Collections.shuffle(INPUT, new Random(9));
    }

    private static List<String> changes(int cachedPoints) throws Exception {
        Topic<ObservationKey, IndicatorObservation> valid = TOPICS.validObservations();
        Topology topology = new Topology();
        ConflictTopology.addVintages(topology, valid, cachedPoints);
        topology.addProcessor("capture", () -> new Processor<byte[], ConflictVintages.Change, String, String>() {
            private ProcessorContext<String, String> context;

            @Override
            public void init(ProcessorContext<String, String> context) {
                this.context = context;
            }

            @Override
            public void process(Record<byte[], ConflictVintages.Change> record) {
                context.forward(new Record<>(record.value().observation().getId(), record.value().toString(), record.timestamp()));
            }
        }, ConflictTopology.VINTAGES_WRITER);
        topology.addSink("capture-sink", "changes", new StringSerializer(), new StringSerializer(), "capture");
        Path state = Files.createTempDirectory("almanac-vintages-cache-test");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "vintages-cache-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, p)) {
            TestInputTopic<ObservationKey, IndicatorObservation> in = driver.createInputTopic(valid.name(),
                    valid.keySerde().serializer(), valid.valueSerde().serializer());
            for (IndicatorObservation o : INPUT) {
                in.pipeInput(new ObservationKey(o.getIndicator(), o.getRegion(), o.getPeriod()), o, o.getPublished().toEpochMilli());
            }
            return driver.createOutputTopic("changes", new StringDeserializer(), new StringDeserializer()).readValuesToList();
        } finally {
            try (var files = Files.walk(state)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void shouldHandTheSameChangesInTheSameOrderWhetherSeriesAreCachedEvictedOrReadFromTheStore() throws Exception {
        List<String> fromStore = changes(0);
        assertTrue(fromStore.size() > 10_000, "most records change a period: " + fromStore.size());
        assertTrue(fromStore.stream().anyMatch(c -> !c.contains("previous=[]") && !c.contains("next=[]")),
                "some changes carry both neighbouring periods");
        assertTrue(fromStore.stream().anyMatch(c -> c.contains("replaced={")), "some changes replace an id's earlier version");
        assertEquals(fromStore, changes(ConflictTopology.CACHED_POINTS), "default cache");
        assertEquals(fromStore, changes(40), "a cache that evicts on every new series");
    }
}
