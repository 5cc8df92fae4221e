package dev.almanac.cli;

import java.nio.file.Files;
import java.nio.file.Path;

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

    /** The bundled data folder: {@code data/} in the repository the launcher runs from, else in the working directory. */
    static Path dataDir() {
        String repo = System.getProperty("almanac.repo");
        Path base = repo == null ? Path.of("") : Path.of(repo);
        return base.resolve("data").toAbsolutePath();
    }

    static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("file not found: " + file);
        }
        return file;
    }
}
