package dev.almanac.cli;

import dev.almanac.avro.Region;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.region.RegionJson;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.registry.RegistryConnection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Loads the region hierarchy (reference data) into its compacted topic. */
@Command(name = "regions", header = "Loads the region hierarchy from a JSON Lines file into the regions topic.", mixinStandardHelpOptions = true,
        description = {"Loads regions from a JSON Lines file (code, parent, name_en, name_zh, kind) into the",
            "compacted regions topic; shares and roll-ups follow the hierarchy as it changes."})
public final class RegionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--file", paramLabel = "F.jsonl", description = "Regions file (default: the repository's data/regions.jsonl).")
    Path file;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path f = Home.requireFile(file != null ? file : Home.dataDir().resolve("regions.jsonl"));
        List<Region> regions;
        try {
            regions = RegionJson.parseAll(dev.almanac.cli.FileLines.read(f));
        } catch (RegionJson.InvalidRegion e) {
            throw new UserException(f + ": " + e.getMessage());
        }
        String bootstrap = kafka.resolveBootstrap();
        var config = kafka.config(bootstrap);
        try (RegistryConnection registry = kafka.openRegistry(config, true)) {
            TopicCatalogue topics = TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(registry.client()));
            send(config.kafka(), topics, regions);
        }
        out.printf("loaded %d regions into %s%n", regions.size(), TopicCatalogue.create(config.topicPrefix(),
                new AvroSerdes(new dev.almanac.serde.LocalSchemaRegistry())).regions().name());
        return 0;
    }

    /** Sends regions to the regions topic, keyed by code, and waits for the acknowledgements. */
    public static void send(String bootstrap, TopicCatalogue topics, List<Region> regions) {
        send(dev.almanac.kafka.ClusterAccess.of(bootstrap), topics, regions);
    }

    /** Sends regions with the operator's client settings. */
    public static void send(dev.almanac.kafka.ClusterAccess cluster, TopicCatalogue topics, List<Region> regions) {
        var t = topics.regions();
        java.util.Properties p = cluster.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Region> producer = new KafkaProducer<>(p, t.keySerde().serializer(), t.valueSerde().serializer())) {
            for (Region r : regions) {
                producer.send(new ProducerRecord<>(t.name(), r.getCode(), r));
            }
            producer.flush();
            producer.close(Duration.ofSeconds(30));
        }
    }
}
