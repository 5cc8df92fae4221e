package dev.almanac.testing;

import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared test data: the bundled dataset and catalogues. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The repository root (tests run with it as working directory). */
    public static Path repo() {
        return Path.of("").toAbsolutePath();
    }

    /** A catalogue with the default prefix and an in-memory registry. */
    public static TopicCatalogue catalogue() {
        return TopicCatalogue.create(TopicCatalogue.DEFAULT_PREFIX, new AvroSerdes(new LocalSchemaRegistry()));
    }

    /** The non-blank lines of data/observations.jsonl. */
    public static List<String> bundledObservations() {
        return lines(repo().resolve("data/observations.jsonl"));
    }

    /** The non-blank lines of a file. */
    public static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid observation JSON line. */
    public static String json(String id, String indicator, String region, String period, String value, String published) {
        return String.format("{\"id\":\"%s\",\"indicator\":\"%s\",\"region\":\"%s\",\"period\":\"%s\",\"value\":%s,"
                + "\"unit\":\"count\",\"published\":\"%s\",\"source\":\"test\"}", id, indicator, region, period, value, published);
    }
}
