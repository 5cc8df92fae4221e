package dev.almanac.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.RegisteredSchema;
import dev.almanac.serde.SchemaIds;
import dev.almanac.serde.SchemaRegistryException;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RegistryStateTest {

    private static final Schema A = TestSchemas.record("R", "[{\"name\":\"a\",\"type\":\"int\"}]");
    private static final Schema A_PLUS_OPTIONAL_B = TestSchemas.record("R", "[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}]");
    private static final Schema A_PLUS_REQUIRED_B = TestSchemas.record("R", "[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}]");
    private static final Schema EMPTY = TestSchemas.record("R", "[]");

    private final StoredSchemaRegistry registry = new StoredSchemaRegistry(new InMemorySchemaStore());

    @ParameterizedTest(name = "{0}: add optional={1}, add required={2}, drop required={3}")
    @CsvSource({
            "NONE,     true, true,  true",
            "BACKWARD, true, false, true",
            "FORWARD,  true, true,  false",
            "FULL,     true, false, false",
    })
    void shouldFollowTheLevelWhenFieldsAreAddedOrRemoved(CompatibilityLevel level, boolean addOptional, boolean addRequired, boolean dropRequired) {
        assertEquals(addOptional, accepts(level, A, A_PLUS_OPTIONAL_B));
        assertEquals(addRequired, accepts(level, A, A_PLUS_REQUIRED_B));
        assertEquals(dropRequired, accepts(level, A, EMPTY));
    }

    @Test
    void shouldCheckEveryVersionWhenLevelIsTransitive() {
        Schema intField = TestSchemas.record("T", "[{\"name\":\"a\",\"type\":\"int\"}]");
        Schema stringField = TestSchemas.record("T", "[{\"name\":\"a\",\"type\":\"string\"}]");
        Schema stringPlusOptional = TestSchemas.record("T", "[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"c\",\"type\":\"long\",\"default\":0}]");
        registry.setCompatibility("t", CompatibilityLevel.NONE);
        registry.register("t", intField);
        registry.register("t", stringField);

        registry.setCompatibility("t", CompatibilityLevel.BACKWARD_TRANSITIVE);
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.register("t", stringPlusOptional));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());

        registry.setCompatibility("t", CompatibilityLevel.BACKWARD);
        registry.register("t", stringPlusOptional);
        assertEquals(List.of(1, 2, 3), registry.versions("t"));
    }

    @Test
    void shouldKeepVersionAndIdWhenSameSchemaIsRegisteredAgain() {
        int first = registry.register("s", A);
        int again = registry.register("s", A);

        assertEquals(first, again);
        assertEquals(List.of(1), registry.versions("s"));
        assertEquals(SchemaIds.idOf(A), first, "the preferred id is the fingerprint id");
    }

    @Test
    void shouldShareIdAcrossSubjectsWhenSchemaIsTheSame() {
        int inOne = registry.register("one", A);
        int inTwo = registry.register("two", A);

        assertEquals(inOne, inTwo);
        assertEquals(List.of("one", "two"), registry.usagesOf(inOne).stream().map(RegisteredSchema::subject).toList());
    }

    @Test
    void shouldTellSchemasApartWhenOnlyDefaultsDiffer() {
        Schema withDefault = TestSchemas.record("D", "[{\"name\":\"a\",\"type\":\"int\",\"default\":1}]");
        Schema withOtherDefault = TestSchemas.record("D", "[{\"name\":\"a\",\"type\":\"int\",\"default\":2}]");
        assertNotEquals(registry.register("d1", withDefault), registry.register("d2", withOtherDefault));
    }

    @Test
    void shouldMoveToNextIdWhenPreferredIdIsTaken() {
        RegistryState state = new RegistryState();
        int preferred = SchemaIds.idOf(A_PLUS_OPTIONAL_B);
        state.apply(new LogEntry.SchemaVersion("other", 1, preferred, SchemaIds.canonical(EMPTY)));

        RegistryState.Decision<RegisteredSchema> decision = state.register("s", A_PLUS_OPTIONAL_B);

        assertEquals(SchemaIds.next(preferred), decision.result().id());
        assertEquals(1, decision.entries().size());
    }

    @Test
    void shouldAnswerRegistryErrorCodesWhenThingsAreMissing() {
        registry.register("s", A);
        assertEquals(40401, assertThrows(SchemaRegistryException.class, () -> registry.versions("nope")).errorCode());
        assertEquals(40402, assertThrows(SchemaRegistryException.class, () -> registry.version("s", "7")).errorCode());
        assertEquals(42202, assertThrows(SchemaRegistryException.class, () -> registry.version("s", "seven")).errorCode());
        assertEquals(40403, assertThrows(SchemaRegistryException.class, () -> registry.byId(12345)).errorCode());
        assertEquals(40403, assertThrows(SchemaRegistryException.class, () -> registry.lookup("s", EMPTY)).errorCode());
        assertEquals(40408, assertThrows(SchemaRegistryException.class, () -> registry.deleteSubjectCompatibility("s")).errorCode());
        assertEquals(42201, assertThrows(SchemaRegistryException.class, () -> RegistryState.parse("{\"type\":\"record\"}")).errorCode());
    }

    @Test
    void shouldRoundTripEveryEntryWhenEncodedForTheLog() {
        List<LogEntry> entries = List.of(
                new LogEntry.SchemaVersion("s", 3, 77, SchemaIds.canonical(A)),
                new LogEntry.Config(null, CompatibilityLevel.FULL),
                new LogEntry.Config("s", CompatibilityLevel.NONE),
                new LogEntry.Config("s", null));
        for (LogEntry entry : entries) {
            assertEquals(entry, LogCodec.decode(LogCodec.key(entry), LogCodec.value(entry)));
        }
        assertEquals("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":3,\"magic\":1}",
                new String(LogCodec.key(entries.get(0)), java.nio.charset.StandardCharsets.UTF_8));
    }

    private boolean accepts(CompatibilityLevel level, Schema first, Schema second) {
        StoredSchemaRegistry fresh = new StoredSchemaRegistry(new InMemorySchemaStore());
        fresh.setCompatibility(null, level);
        fresh.register("s", first);
        try {
            fresh.register("s", second);
            return true;
        } catch (SchemaRegistryException e) {
            assertEquals(409, e.errorCode());
            return false;
        }
    }
}
