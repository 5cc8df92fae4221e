package dev.almanac.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.HttpSchemaRegistryClient;
import dev.almanac.serde.RegisteredSchema;
import dev.almanac.serde.SchemaRegistry;
import dev.almanac.serde.SchemaRegistryException;
import dev.almanac.testing.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded registry over a real broker: durability across restarts and agreement between instances. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaSchemaStoreIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaCluster.startCombined();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    private static EmbeddedSchemaRegistry registry(String topic) {
        return EmbeddedSchemaRegistry.start(cluster.clientConfig(), topic, "127.0.0.1", 0, TIMEOUT);
    }

    @Test
    void shouldKeepIdsVersionsAndLevelsWhenRegistryRestarts() {
        String topic = "_schemas_restart";
        int v1;
        int v2;
        try (EmbeddedSchemaRegistry first = registry(topic)) {
            HttpSchemaRegistryClient http = new HttpSchemaRegistryClient(first.url());
            v1 = http.register("almanac.latest-value", IndicatorObservation.getClassSchema());
            v2 = http.register("almanac.latest-value", TestSchemas.observationV2());
            http.setCompatibility("almanac.latest-value", CompatibilityLevel.FULL);
        }
        try (EmbeddedSchemaRegistry second = registry(topic)) {
            SchemaRegistry reopened = second.client();
            assertEquals(List.of(1, 2), reopened.versions("almanac.latest-value"));
            assertEquals(v1, reopened.version("almanac.latest-value", "1").id());
            assertEquals(v2, reopened.version("almanac.latest-value", "latest").id());
            assertEquals(TestSchemas.observationV2(), new HttpSchemaRegistryClient(second.url()).byId(v2));
            assertEquals(CompatibilityLevel.FULL, reopened.effectiveCompatibility("almanac.latest-value"));
            SchemaRegistryException refused = assertThrows(SchemaRegistryException.class,
                    () -> reopened.register("almanac.latest-value", TestSchemas.observationIncompatible()));
            assertEquals(409, refused.status());
        }
    }

    @Test
    void shouldCreateCompactedSinglePartitionTopicWhenMissing() throws Exception {
        try (EmbeddedSchemaRegistry ignored = EmbeddedSchemaRegistry.start(cluster.bootstrapServers(), 0);
             Admin admin = cluster.admin()) {
            assertEquals(1, admin.describeTopics(Set.of(TopicCatalogue.SCHEMAS_TOPIC)).allTopicNames().get()
                    .get(TopicCatalogue.SCHEMAS_TOPIC).partitions().size());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TopicCatalogue.SCHEMAS_TOPIC);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("compact", config.get("cleanup.policy").value());
        }
    }

    @Test
    void shouldAgreeOnVersionsAndIdsWhenTwoInstancesRegisterConcurrently() throws Exception {
        String topic = "_schemas_concurrent";
        List<String> subjects = List.of("a-value", "b-value", "c-value");
        List<Schema> lineage = new ArrayList<>();
        for (int fields = 1; fields <= 6; fields++) {
            lineage.add(growing(fields));
        }
        try (EmbeddedSchemaRegistry one = registry(topic); EmbeddedSchemaRegistry two = registry(topic)) {
            List<SchemaRegistry> instances = List.of(one.client(), new HttpSchemaRegistryClient(two.url()), two.client(),
                    new HttpSchemaRegistryClient(one.url()));
            Map<String, Set<Integer>> idsBySchema = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(instances.size());
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < instances.size(); t++) {
                SchemaRegistry instance = instances.get(t);
                Random random = new Random(t);
                tasks.add(pool.submit(() -> {
                    for (String subject : subjects) {
                        List<Schema> order = new ArrayList<>(lineage);
                        Collections.shuffle(order, random);
                        for (Schema schema : order) {
                            int id = instance.register(subject, schema);
                            idsBySchema.computeIfAbsent(schema.toString(), s -> ConcurrentHashMap.newKeySet()).add(id);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();

            idsBySchema.forEach((schema, ids) -> assertEquals(1, ids.size(), "every caller got one id for " + schema));
            assertEquals(lineage.size(), idsBySchema.size());
            try (EmbeddedSchemaRegistry fresh = registry(topic)) {
                for (String subject : subjects) {
                    List<RegisteredSchema> seenByOne = versions(one.client(), subject);
                    assertEquals(lineage.size(), seenByOne.size(), "each schema once per subject: " + seenByOne);
                    assertEquals(List.of(1, 2, 3, 4, 5, 6), seenByOne.stream().map(RegisteredSchema::version).toList());
                    assertEquals(seenByOne, versions(two.client(), subject));
                    assertEquals(seenByOne, versions(fresh.client(), subject), "a replay of the topic gives the same registry");
                }
            }
        }
    }

    private static List<RegisteredSchema> versions(SchemaRegistry registry, String subject) {
        List<RegisteredSchema> out = new ArrayList<>();
        for (int v : registry.versions(subject)) {
            out.add(registry.version(subject, Integer.toString(v)));
        }
        return out;
    }

    /** Record "Growing" with fields f1..fn, all optional: any two are BACKWARD compatible either way round. */
    private static Schema growing(int fields) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 1; i <= fields; i++) {
            json.append(i > 1 ? "," : "").append("{\"name\":\"f").append(i).append("\",\"type\":[\"null\",\"string\"],\"default\":null}");
        }
        return TestSchemas.record("Growing", json.append("]").toString());
    }
}
