package dev.almanac.registry;

import dev.almanac.serde.CompatibilityCheck;
import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.RegisteredSchema;
import dev.almanac.serde.SchemaRegistry;
import dev.almanac.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The registry's behaviour over a {@link SchemaStore}: what the REST API serves, and the client the
 * pipeline's serdes use in process (no HTTP hop). Schemas by id are cached: an id never changes meaning.
 */
public final class StoredSchemaRegistry implements SchemaRegistry {

    private final SchemaStore store;
    private final Map<Integer, Schema> byIdCache = new ConcurrentHashMap<>();

    public StoredSchemaRegistry(SchemaStore store) {
        this.store = store;
    }

    @Override
    public int register(String subject, Schema schema) {
        requireSubject(subject);
        RegisteredSchema registered = store.write(state -> state.register(subject, schema));
        byIdCache.putIfAbsent(registered.id(), registered.schema());
        return registered.id();
    }

    @Override
    public Schema byId(int id) {
        Schema cached = byIdCache.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = store.read(state -> state.schema(id)).orElseThrow(() -> new UnknownSchemaException(id));
        byIdCache.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public List<String> subjects() {
        return store.read(RegistryState::subjects);
    }

    @Override
    public List<Integer> versions(String subject) {
        return store.read(state -> state.versions(subject).stream().map(RegisteredSchema::version).toList());
    }

    @Override
    public RegisteredSchema version(String subject, String version) {
        return store.read(state -> state.version(subject, version));
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return store.read(state -> {
            state.versions(subject);
            return state.find(subject, schema).orElseThrow(() -> SchemaRegistryException.schemaNotFound(
                    "Schema not found: subject '" + subject + "' has no version with this schema"));
        });
    }

    @Override
    public List<RegisteredSchema> usagesOf(int id) {
        return store.read(state -> state.usagesOf(id));
    }

    @Override
    public CompatibilityCheck checkCompatibility(String subject, String version, Schema schema) {
        return store.read(state -> {
            CompatibilityLevel level = state.effectiveLevel(subject);
            List<String> problems;
            if (version == null) {
                List<RegisteredSchema> earlier = state.subjects().contains(subject) ? state.versions(subject) : List.of();
                problems = Compatibility.problems(schema, earlier, level);
            } else {
                problems = level == CompatibilityLevel.NONE ? List.of()
                        : Compatibility.problems(schema, state.version(subject, version), level);
            }
            return new CompatibilityCheck(problems.isEmpty(), new ArrayList<>(problems));
        });
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return store.read(RegistryState::globalLevel);
    }

    @Override
    public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return store.read(state -> state.subjectLevel(subject));
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        store.write(state -> {
            boolean unchanged = subject == null ? state.globalLevel() == level : state.subjectLevel(subject).orElse(null) == level;
            return unchanged ? RegistryState.Decision.of(level)
                    : new RegistryState.Decision<>(List.of(new LogEntry.Config(subject, level)), level);
        });
    }

    @Override
    public CompatibilityLevel deleteSubjectCompatibility(String subject) {
        requireSubject(subject);
        return store.write(state -> {
            CompatibilityLevel previous = state.subjectLevel(subject).orElseThrow(() -> new SchemaRegistryException(404,
                    SchemaRegistryException.SUBJECT_CONFIG_NOT_FOUND, "Subject '" + subject + "' does not have subject-level compatibility configured"));
            return new RegistryState.Decision<>(List.of(new LogEntry.Config(subject, null)), previous);
        });
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new SchemaRegistryException(422, 42208, "Invalid subject: empty");
        }
    }
}
