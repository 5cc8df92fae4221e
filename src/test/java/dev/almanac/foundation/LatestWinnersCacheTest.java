package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The latest processor forwards the same changes of winner, in the same order, whether it finds a key's
 * winner in its cache of series or in the history store: with no cache, with a cache so small that it
 * evicts and stops loading all the time (serving some series, reading others from the store), and with the default bound; so the latest and current tables match.
 * The current processor's cache of newest periods takes the same bound: with 40 entries it evicts
 * most of the 240 series (two indicators, 60 regions, two frequencies) before they come back.
 */
class LatestWinnersCacheTest {

    private static final List<String> INPUT = new ArrayList<>();

    /**
     * Many short series in random order with several vintages per key, ties on the publication date,
     * lines sent again, and one series with more vintages than the cache takes.
     */
    @BeforeAll
    static void input() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < 12_000; n++) {
            if (random.nextInt(10) == 0 && !INPUT.isEmpty()) {
                INPUT.add(INPUT.get(random.nextInt(INPUT.size())));
                continue;
            }
            int year = 2000 + random.nextInt(15);
            String period = random.nextBoolean() ? Integer.toString(year) : year + "-Q" + (1 + random.nextInt(4));
            String published = LocalDate.of(year + 1, 1, 1).plusDays(random.nextInt(60)).toString();
            INPUT.add(Fixtures.json("o" + n, random.nextBoolean() ? "gdp" : "rd_spending", "CN-D" + random.nextInt(60), period,
                    Integer.toString(100 + random.nextInt(50)), published));
        }
        for (int n = 0; n < FoundationTopology.MAX_SERIES_VINTAGES + 200; n++) {
            int month = random.nextInt(300);
            String period = String.format("%04d-%02d", 1990 + month / 12, 1 + month % 12);
            String published = LocalDate.of(1990 + month / 12, 1 + month % 12, 1).plusMonths(1).plusDays(random.nextInt(200)).toString();
            INPUT.add(Fixtures.json("long-" + n, "gdp", "CN-LONG", period, Integer.toString(100 + n), published));
        }
        Collections.shuffle(INPUT, new Random(4));
    }

    /** The records of the latest and current topics, in order, after the input. */
    private static List<String> outputs(int cachedKeys) {
        TopicCatalogue topics = Fixtures.catalogue();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "latest-cache-test-" + java.util.UUID.randomUUID());
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/almanac-tests");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(FoundationTopology.build(topics, cachedKeys), p)) {
            TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(topics.rawObservations().name(),
                    Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
            for (String line : INPUT) {
                raw.pipeInput(line.getBytes(StandardCharsets.UTF_8));
            }
            List<String> out = new ArrayList<>();
            driver.createOutputTopic(topics.latest().name(), topics.latest().keySerde().deserializer(), topics.latest().valueSerde().deserializer())
                    .readKeyValuesToList().forEach(kv -> out.add("latest " + kv));
            driver.createOutputTopic(topics.current().name(), topics.current().keySerde().deserializer(), topics.current().valueSerde().deserializer())
                    .readKeyValuesToList().forEach(kv -> out.add("current " + kv));
            return out;
        }
    }

    @Test
    void shouldForwardTheSameChangesInTheSameOrderWhetherWinnersAreCachedEvictedOrReadFromTheStore() {
        List<String> fromStore = outputs(0);
        assertTrue(fromStore.stream().filter(s -> s.startsWith("latest ")).count() > 8_000, "most keys change winner: " + fromStore.size());
        assertTrue(fromStore.stream().anyMatch(s -> s.startsWith("current ")), "the current table follows");
        assertEquals(fromStore, outputs(FoundationTopology.CACHED_KEYS), "default cache");
        assertEquals(fromStore, outputs(40), "a cache that evicts on every new series");
    }
}
