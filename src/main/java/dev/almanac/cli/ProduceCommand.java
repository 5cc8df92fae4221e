package dev.almanac.cli;

import dev.almanac.ingest.Progress;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Sends a JSON Lines file of observations to the raw input topic. */
@Command(name = "produce", header = "Sends a JSON Lines file to a raw input topic, one record per line.", mixinStandardHelpOptions = true,
        description = {"Sends observations from a JSON Lines file to the raw input topic, one record per line,",
            "with the line's 'published' as record timestamp. Lines are validated by the pipeline:",
            "bad ones are counted and kept in the dead-letter topic."})
final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--file", required = true, paramLabel = "F.jsonl", description = "The JSON Lines file.")
    Path file;

    /** What a file holds, and so which raw topic it goes to. */
    enum Type { observations, registrations }

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "observations",
            description = "observations (to <prefix>.observations.raw) or registrations (to <prefix>.registrations.raw); default: ${DEFAULT-VALUE}.")
    Type type;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Home.requireFile(file);
        var cluster = kafka.cluster();
        String bootstrap = cluster.bootstrapServers();
        TopicCatalogue catalogue = TopicCatalogue.create(kafka.topicPrefix, new dev.almanac.serde.AvroSerdes(new dev.almanac.serde.LocalSchemaRegistry()));
        String topic = type == Type.registrations ? catalogue.rawRegistrations().name() : catalogue.rawObservations().name();
        long total;
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            total = lines.filter(l -> !l.isBlank()).count();
        }
        Progress progress = new Progress(System.err, "sent", OptionalLong.of(total));
        long sent = 0;
        long start = System.nanoTime();
        try (RawProducer producer = new RawProducer(cluster);
             BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                producer.sendLine(topic, line);
                progress.update(++sent);
            }
            producer.flush();
        }
        progress.finish(sent, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("sent %d records to %s on %s in %.2f s (%,.0f records/s)%n", sent, topic, bootstrap, seconds, sent / Math.max(seconds, 1e-9));
        return 0;
    }
}
