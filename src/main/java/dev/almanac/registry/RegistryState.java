package dev.almanac.registry;

import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.RegisteredSchema;
import dev.almanac.serde.SchemaIds;
import dev.almanac.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * What the schema log says, folded: schemas by id, the versions of each subject, compatibility levels.
 * Not thread-safe: a {@link SchemaStore} guards it. Every decision that writes (a new version, its id)
 * is taken here from this state, so replaying the same log gives every instance the same registry.
 */
final class RegistryState {

    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<String, Integer> idByCanonical = new HashMap<>();
    private final Map<String, NavigableMap<Integer, Integer>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel global = CompatibilityLevel.DEFAULT;

    /** Folds one log entry in. */
    public void apply(LogEntry entry) {
        if (entry instanceof LogEntry.SchemaVersion v) {
            if (v.schema() == null) {
                NavigableMap<Integer, Integer> versions = subjects.get(v.subject());
                if (versions != null) {
                    versions.remove(v.version());
                    if (versions.isEmpty()) {
                        subjects.remove(v.subject());
                    }
                }
                return;
            }
            if (!schemas.containsKey(v.id())) {
                Schema schema = new Schema.Parser().parse(v.schema());
                schemas.put(v.id(), schema);
                idByCanonical.putIfAbsent(SchemaIds.canonical(schema), v.id());
            }
            subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v.id());
        } else {
            LogEntry.Config c = (LogEntry.Config) entry;
            if (c.subject() == null) {
                global = c.level() == null ? CompatibilityLevel.DEFAULT : c.level();
            } else if (c.level() == null) {
                subjectLevels.remove(c.subject());
            } else {
                subjectLevels.put(c.subject(), c.level());
            }
        }
    }

    /** The schema with {@code id}, if any. */
    public Optional<Schema> schema(int id) {
        return Optional.ofNullable(schemas.get(id));
    }

    /** Subjects with at least one version, sorted. */
    public List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /** The versions of {@code subject}, oldest first. */
    public List<RegisteredSchema> versions(String subject) {
        NavigableMap<Integer, Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        List<RegisteredSchema> out = new ArrayList<>(versions.size());
        versions.forEach((version, id) -> out.add(new RegisteredSchema(subject, version, id, schemas.get(id))));
        return out;
    }

    /** Version {@code version} (a positive number, "latest" or -1) of {@code subject}. */
    public RegisteredSchema version(String subject, String version) {
        List<RegisteredSchema> versions = versions(subject);
        if ("latest".equalsIgnoreCase(version) || "-1".equals(version)) {
            return versions.get(versions.size() - 1);
        }
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_VERSION, "The specified version '" + version
                    + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
        for (RegisteredSchema v : versions) {
            if (v.version() == number) {
                return v;
            }
        }
        throw SchemaRegistryException.versionNotFound(subject, version);
    }

    /** The version of {@code subject} holding exactly {@code schema}, if any. */
    public Optional<RegisteredSchema> find(String subject, Schema schema) {
        if (!subjects.containsKey(subject)) {
            return Optional.empty();
        }
        String canonical = SchemaIds.canonical(schema);
        return versions(subject).stream().filter(v -> SchemaIds.canonical(v.schema()).equals(canonical)).findFirst();
    }

    /** Every (subject, version) using schema {@code id}. */
    public List<RegisteredSchema> usagesOf(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw SchemaRegistryException.schemaNotFound("Schema " + id + " not found");
        }
        List<RegisteredSchema> out = new ArrayList<>();
        subjects.forEach((subject, versions) -> versions.forEach((version, vid) -> {
            if (vid == id) {
                out.add(new RegisteredSchema(subject, version, id, schema));
            }
        }));
        return out;
    }

    public CompatibilityLevel globalLevel() {
        return global;
    }

    public Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    public CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, global);
    }

    /**
     * Decides the registration of {@code schema} under {@code subject}: the existing version when the
     * subject already holds it; otherwise, after the compatibility check, a new version whose id is the
     * id the schema already has elsewhere, or its {@link SchemaIds#idOf preferred id}, or the next free
     * one on a collision.
     *
     * @throws SchemaRegistryException 409 with the reasons when the schema is incompatible
     */
    public Decision<RegisteredSchema> register(String subject, Schema schema) {
        Optional<RegisteredSchema> existing = find(subject, schema);
        if (existing.isPresent()) {
            return Decision.of(existing.get());
        }
        List<RegisteredSchema> earlier = subjects.containsKey(subject) ? versions(subject) : List.of();
        CompatibilityLevel level = effectiveLevel(subject);
        List<String> problems = Compatibility.problems(schema, earlier, level);
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\" (compatibility " + level + "): " + String.join("; ", problems));
        }
        String canonical = SchemaIds.canonical(schema);
        Integer id = idByCanonical.get(canonical);
        if (id == null) {
            id = SchemaIds.idOf(schema);
            while (schemas.containsKey(id)) {
                id = SchemaIds.next(id);
            }
        }
        int version = earlier.isEmpty() ? 1 : earlier.get(earlier.size() - 1).version() + 1;
        RegisteredSchema registered = new RegisteredSchema(subject, version, id, schema);
        return new Decision<>(List.of(new LogEntry.SchemaVersion(subject, version, id, canonical)), registered);
    }

    /** Parses schema text as the registry accepts it. */
    public static Schema parse(String text) {
        if (text == null || text.isBlank()) {
            throw SchemaRegistryException.invalidSchema("empty schema");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw SchemaRegistryException.invalidSchema(e.getMessage());
        }
    }

    /**
     * The entries a write appends and the answer it gives.
     *
     * @param entries what to append (empty: nothing to write)
     * @param result the answer once appended
     */
    public record Decision<T>(List<LogEntry> entries, T result) {

        public Decision {
            entries = List.copyOf(entries);
        }

        /** An answer that writes nothing. */
        public static <T> Decision<T> of(T result) {
            return new Decision<>(List.of(), result);
        }
    }
}
