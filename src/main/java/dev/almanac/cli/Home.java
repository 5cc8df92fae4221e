package dev.almanac.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where Almanac keeps its files: {@code $ALMANAC_HOME}, or the {@code almanac.home} system property
 * (the launcher sets it to {@code .almanac/} in the repository), or {@code ~/.almanac}. Below it:
 * {@code broker/} (embedded broker data), {@code state/} (Kafka Streams state), {@code query-address} (the
 * running query API, for {@code almanac sql}), {@code sql_history}.
 */
final class Home {

    private Home() {
    }

    static Path dir() {
        String env = System.getenv("ALMANAC_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        String prop = System.getProperty("almanac.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".almanac");
    }

    static Path brokerDir() {
        return dir().resolve("broker");
    }

    /** Written by a running demo or run command: the query API's URL, for {@code almanac sql}. */
    static Path queryAddressFile() {
        return dir().resolve("query-address");
    }

    static Path stateDir() {
        return dir().resolve("state");
    }

    /**
     * The bundled data folder: {@code data/} in the repository (or distribution) the launcher runs from, else in the
     * working directory; when neither holds the dataset (the self-contained jar run elsewhere), the copy inside the
     * jar, unpacked to {@code <home>/data}.
     */
    static Path dataDir() {
        String repo = System.getProperty("almanac.repo");
        Path base = repo == null ? Path.of("") : Path.of(repo);
        Path dir = base.resolve("data").toAbsolutePath();
        if (Files.isRegularFile(dir.resolve(OBSERVATIONS)) || repo != null) {
            return dir;
        }
        return unpackBundledData(dir);
    }

    static final String OBSERVATIONS = "observations.jsonl";

    private static Path unpackBundledData(Path fallback) {
        Path target = dir().resolve("data");
        try {
            Files.createDirectories(target);
            for (String name : new String[] {OBSERVATIONS, "regions.jsonl"}) {
                try (InputStream in = Home.class.getResourceAsStream("/almanac-data/" + name)) {
                    if (in == null) {
                        return fallback; // a build without the bundled dataset: report the missing file as before
                    }
                    Files.copy(in, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UserException("cannot unpack the bundled dataset to " + target + ": " + e.getMessage());
        }
    }

    static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("file not found: " + file);
        }
        return file;
    }
}
