package dev.almanac.cli;

import dev.almanac.ingest.Progress;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.replay.HistoryFiles;
import java.io.PrintWriter;
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

    /** How many malformed lines are listed one by one; the rest are counted. */
    static final int LISTED = 100;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Home.requireFile(file);
        var cluster = kafka.cluster();
        String bootstrap = cluster.bootstrapServers();
        TopicCatalogue catalogue = TopicCatalogue.create(kafka.topicPrefix, new dev.almanac.serde.AvroSerdes(new dev.almanac.serde.LocalSchemaRegistry()));
        String topic = type == Type.registrations ? catalogue.rawRegistrations().name() : catalogue.rawObservations().name();
        long total = 0;
        try (HistoryFiles.LineReader in = new HistoryFiles.LineReader(Files.newInputStream(file))) {
            for (byte[] line = in.readLine(); line != null; line = in.readLine()) {
                total += HistoryFiles.blank(line) ? 0 : 1;
            }
        }
        Progress progress = new Progress(System.err, "sent", OptionalLong.of(total));
        long sent = 0;
        long malformed = 0;
        long number = 0;
        long start = System.nanoTime();
        // Lines are read as bytes and sent as they are, so a line that is not UTF-8 or not JSON reaches the
        // dead-letter topic unchanged; it is reported here by line number and never stops the file.
        try (RawProducer producer = new RawProducer(cluster);
             HistoryFiles.LineReader in = new HistoryFiles.LineReader(Files.newInputStream(file))) {
            for (byte[] line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (HistoryFiles.blank(line)) {
                    continue;
                }
                java.util.Optional<String> problem = RawProducer.malformed(line);
                if (problem.isPresent() && ++malformed <= LISTED) {
                    err.printf("%s:%d: %s (sent anyway; the pipeline dead-letters it)%n", file, number, problem.get());
                    err.flush();
                }
                producer.sendLine(topic, line);
                progress.update(++sent);
            }
            producer.flush();
        }
        progress.finish(sent, false);
        if (malformed > LISTED) {
            err.printf("%d more malformed lines not listed%n", malformed - LISTED);
            err.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("sent %d records to %s on %s in %.2f s (%,.0f records/s); %d malformed lines%n", sent, topic, bootstrap, seconds,
                sent / Math.max(seconds, 1e-9), malformed);
        return 0;
    }
}
