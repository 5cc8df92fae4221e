package dev.almanac.foundation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The latest topic gets the bytes a new winner was read from, unless they carry another schema id than the topic's. */
class LatestSinkBytesTest {

    private final TopicCatalogue topics = Fixtures.catalogue();

    @Test
    void shouldWriteEachNewWinnerAsTheValidTopicHoldsIt() {
        try (TopologyTestDriver driver = FoundationTopologyTest.newDriver(topics)) {
            var raw = driver.createInputTopic(topics.rawObservations().name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
            var valid = driver.createOutputTopic(topics.validObservations().name(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
            var latest = driver.createOutputTopic(topics.latest().name(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
            for (String line : List.of(
                    Fixtures.json("a", "gdp", "CN-BJ", "2025", "1", "2025-01-01"),
                    Fixtures.json("b", "gdp", "CN-BJ", "2025", "2", "2025-02-01"),
                    Fixtures.json("c", "gdp", "CN-BJ", "2025", "0.5", "2024-12-01"))) {
                raw.pipeInput(null, line.getBytes(StandardCharsets.UTF_8));
            }
            List<byte[]> validValues = valid.readValuesToList();
            List<byte[]> latestValues = latest.readValuesToList();
            assertEquals(2, latestValues.size(), "the late, older vintage wins nothing");
            assertArrayEquals(validValues.get(0), latestValues.get(0));
            assertArrayEquals(validValues.get(1), latestValues.get(1));
        }
    }

    @Test
    void shouldEncodeAgainWhenTheBytesCarryAnotherSchemaId() {
        Serializer<IndicatorObservation> values = topics.latest().valueSerde().serializer();
        Serializer<LatestProcessor.Received> sink = LatestProcessor.Received.serializer(values);
        String topic = topics.latest().name();
        IndicatorObservation first = observation("a");
        byte[] encoded = values.serialize(topic, first);

        byte[] learnt = sink.serialize(topic, new LatestProcessor.Received(first, encoded.clone()));
        assertArrayEquals(encoded, learnt, "the first record is encoded, which tells the topic's schema id");

        IndicatorObservation second = observation("b");
        byte[] secondBytes = values.serialize(topic, second);
        assertSame(secondBytes, sink.serialize(topic, new LatestProcessor.Received(second, secondBytes)), "same id: the bytes as they are");

        byte[] otherSchema = secondBytes.clone();
        ByteBuffer.wrap(otherSchema, 1, 4).putInt(ByteBuffer.wrap(secondBytes, 1, 4).getInt() + 1000);
        byte[] written = sink.serialize(topic, new LatestProcessor.Received(second, otherSchema));
        assertNotSame(otherSchema, written);
        assertArrayEquals(secondBytes, written, "another id: encoded with the topic's own schema");
    }

    private IndicatorObservation observation(String id) {
        String json = Fixtures.json(id, "gdp", "CN-BJ", "2025", "1", "2025-01-01");
        return dev.almanac.observation.ObservationJson.parse(json);
    }
}
