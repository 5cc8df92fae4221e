package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.foundation.ValidationCounts;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.registry.RegistryConnection;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker whose only client listener requires SASL/PLAIN: with {@code --kafka-config} every Kafka client Almanac
 * creates (Streams, the embedded registry's store, producers, admin clients, the caught-up check) authenticates; with
 * a wrong password a command ends at once with one line.
 */
class SecuredClusterIT {

    private static KafkaClusterTestKit kit;

    @TempDir
    static Path dir;

    @BeforeAll
    @Timeout(120)
    static void startSaslCluster() throws Exception {
        kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "2")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "2")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    @Timeout(240)
    void shouldRunPipelineProduceAndRegionsAgainstABrokerRequiringSasl() throws Exception {
        Path clientConfig = saslFile("good.properties", JaasUtils.KAFKA_PLAIN_ADMIN, JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD);
        AlmanacConfig config = AlmanacConfig.defaults(kit.bootstrapServers(), dir.resolve("state"))
                .withPartitions(2)
                .withKafkaClientSettings(KafkaClientFile.read(clientConfig));
        try (RegistryConnection registry = RegistryConnection.open(Optional.empty(), config.kafka(), "127.0.0.1", 0, false);
             Pipeline pipeline = new Pipeline(config, TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(registry.client())))) {
            pipeline.start(Duration.ofSeconds(120));

            CliRun regions = CliRun.of("regions", "--bootstrap-servers", kit.bootstrapServers(), "--kafka-config", clientConfig.toString(),
                    "--schema-registry-port", "0", "--file", Fixtures.repo().resolve("data/regions.jsonl").toString());
            assertEquals(0, regions.code(), regions.err());
            CliRun produce = CliRun.of("produce", "--bootstrap-servers", kit.bootstrapServers(), "--kafka-config", clientConfig.toString(),
                    "--file", Fixtures.repo().resolve("data/observations.jsonl").toString());
            assertEquals(0, produce.code(), produce.err());

            pipeline.awaitSettled(Duration.ofSeconds(120));
            int lines = Fixtures.bundledObservations().size();
            ValidationCounts counts = pipeline.validationCounts();
            assertEquals(lines, counts.read());
            assertEquals(lines, counts.accepted());
        }
    }

    @Test
    @Timeout(120)
    void shouldFailWithOneLineWhenTheClientCannotAuthenticate() throws Exception {
        Path bad = saslFile("bad.properties", JaasUtils.KAFKA_PLAIN_USER1, "wrong-password");
        for (String command : new String[] {"produce", "regions"}) {
            CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.of(command, "--bootstrap-servers", kit.bootstrapServers(),
                    "--kafka-config", bad.toString(), "--schema-registry-port", "0",
                    "--file", Fixtures.repo().resolve(command.equals("produce") ? "data/observations.jsonl" : "data/regions.jsonl").toString()),
                    command + " must give up at once, not retry until a timeout");
            assertEquals(1, run.code(), run.err());
            String[] errLines = run.err().strip().split("\n");
            assertEquals(1, errLines.length, "one line:\n" + run.err());
            assertTrue(errLines[0].startsWith("almanac: the Kafka cluster refused authentication: "), run.err());
            assertTrue(errLines[0].contains("--kafka-config"), run.err());
        }
    }

    @Test
    void shouldRefuseAnUnknownClientSettingWithFileAndLine() throws Exception {
        Path typo = dir.resolve("typo.properties");
        Files.writeString(typo, "# client settings\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanisms=PLAIN\n");
        CliRun run = CliRun.of("produce", "--bootstrap-servers", "localhost:1", "--kafka-config", typo.toString(),
                "--file", Fixtures.repo().resolve("data/observations.jsonl").toString());
        assertEquals(2, run.code(), run.err());
        assertEquals("almanac: " + typo + ":3: unknown Kafka client setting 'sasl.mechanisms' (not a producer, consumer or admin client setting)",
                run.err().strip());
    }

    private static Path saslFile(String name, String user, String password) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\",
                "    username=\"" + user + "\" password=\"" + password + "\";",
                ""));
        return f;
    }
}
