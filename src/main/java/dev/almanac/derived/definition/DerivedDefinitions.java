package dev.almanac.derived.definition;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The derived tables to run, parsed once from a definitions file (default {@code topologies/derived.yaml})
 * and validated; immutable. The topology function takes this record, never the file.
 *
 * @param source where the definitions were read from (for messages)
 * @param tables the tables, in file order (order carries no meaning: names are identities)
 * @param notes warnings about the file that do not stop it loading (keys that no longer have an effect), each
 *              starting with the file and line; the command line prints them once
 */
public record DerivedDefinitions(String source, List<TableDefinition> tables, List<String> notes) {

    /** Where the bundled definitions live in a checkout, and on the classpath. */
    public static final String BUNDLED = "topologies/derived.yaml";

    public DerivedDefinitions {
        tables = List.copyOf(tables);
        notes = List.copyOf(notes);
    }

    /**
     * Parses and validates definitions text.
     *
     * @param source a name for messages, usually the file name
     * @throws DefinitionException listing every problem with its line
     */
    public static DerivedDefinitions parse(String text, String source) {
        return new DefinitionParser(source).parse(text);
    }

    /** Reads, parses and validates a definitions file. */
    public static DerivedDefinitions load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read definitions " + file + ": " + e.getMessage(), e);
        }
    }

    /** The definitions bundled in the jar (a copy of {@value #BUNDLED}). */
    public static DerivedDefinitions bundled() {
        try (InputStream in = DerivedDefinitions.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tables of one kind, in file order. */
    public <T extends TableDefinition> List<T> tables(Class<T> type) {
        return tables.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The registrations table, if one is defined (at most one may be). */
    public Optional<TableDefinition.Registrations> registrations() {
        return tables(TableDefinition.Registrations.class).stream().findFirst();
    }
}
