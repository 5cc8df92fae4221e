package dev.almanac.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Reads a {@code --kafka-config} file: Java properties for Kafka clients. Keys that no Kafka client knows are
 * refused (a typo such as {@code sasl.mechanisms} would otherwise be ignored by the clients and the connection would
 * fail later, far from its cause).
 */
final class KafkaClientFile {

    private KafkaClientFile() {
    }

    static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("--kafka-config " + file + ": no such file", Main.USAGE);
        }
        Map<String, String> settings = new TreeMap<>();
        for (PropertiesLines.Setting s : PropertiesLines.read(file, "--kafka-config")) {
            if (!known(s.key())) {
                throw new UserException(file + ":" + s.line() + ": unknown Kafka client setting '" + s.key()
                        + "' (not a producer, consumer or admin client setting)", Main.USAGE);
            }
            settings.put(s.key(), s.value());
        }
        return settings;
    }

    /** A setting of some Kafka client (the SASL and SSL settings are among them). */
    static boolean known(String key) {
        return ProducerConfig.configNames().contains(key) || ConsumerConfig.configNames().contains(key)
                || AdminClientConfig.configNames().contains(key);
    }
}
