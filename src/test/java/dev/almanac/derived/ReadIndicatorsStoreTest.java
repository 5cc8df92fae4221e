package dev.almanac.derived;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** The derived latest store tells the keys of indicators no table reads from the bytes of a framed key. */
class ReadIndicatorsStoreTest {

    private static final TopicCatalogue TOPICS = Fixtures.catalogue();
    private static final Serializer<ObservationKey> KEYS = TOPICS.latest().keySerde().serializer();

    private static byte[] key(String indicator, String region, String period) {
        return KEYS.serialize(TOPICS.latest().name(), new ObservationKey(indicator, region, period));
    }

    private static byte[][] read(String... indicators) {
        byte[][] out = new byte[indicators.length][];
        for (int i = 0; i < indicators.length; i++) {
            out[i] = indicators[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    @Test
    void shouldTellReadIndicatorsFromOthersByTheWholeIndicatorName() {
        byte[][] read = read("gdp", "registered_llm_count");
        assertTrue(ReadIndicatorsStore.isRead(key("gdp", "CN-SH", "2025"), read));
        assertTrue(ReadIndicatorsStore.isRead(key("registered_llm_count", "CN-SH", "asof:2025-12-31"), read));
        assertFalse(ReadIndicatorsStore.isRead(key("unicorn_count", "CN-SH", "2025"), read));
        assertFalse(ReadIndicatorsStore.isRead(key("gdp_per_capita", "CN-SH", "2025"), read), "a read name as a prefix");
        assertFalse(ReadIndicatorsStore.isRead(key("gd", "pCN-SH", "2025"), read), "a read name across two fields");
        assertFalse(ReadIndicatorsStore.isRead(key("gdp", "CN-SH", "2025"), read("rd_spending")));
    }

    @Test
    void shouldReadIndicatorNamesWhoseLengthTakesSeveralBytes() {
        String longName = "x".repeat(200) + "_index";
        byte[][] read = read(longName);
        assertTrue(ReadIndicatorsStore.isRead(key(longName, "CN", "2025"), read));
        assertFalse(ReadIndicatorsStore.isRead(key(longName + "2", "CN", "2025"), read));
        assertFalse(ReadIndicatorsStore.isRead(key("x".repeat(200), "CN", "2025"), read));
    }

    @Test
    void shouldPassOnBytesThatAreNotAFramedKey() {
        assertTrue(ReadIndicatorsStore.isRead(new byte[] {0, 0, 0, 0, 1}, read("gdp")), "too short");
        assertTrue(ReadIndicatorsStore.isRead(new byte[] {0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff}, read("gdp")), "a length cut short");
        assertTrue(ReadIndicatorsStore.isRead(new byte[] {0, 0, 0, 0, 1, 100, 'g'}, read("gdp")), "a length beyond the key");
    }
}
