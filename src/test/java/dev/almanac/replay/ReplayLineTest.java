package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayLineTest {

    private static ReplayLine classify(String text) {
        return ReplayLine.classify(new SourceLine(Path.of("h.jsonl"), 7, text));
    }

    @Test
    void shouldReadPublishedWhenLineIsAnObservation() {
        ReplayLine l = classify("{\"id\":\"a\",\"quote\":{\"nested\":[1,{\"published\":\"1999-01-01\"}]},\"published\":\"2026-01-21\",\"value\":\"52073.4亿\"}");
        assertEquals(ReplayLine.Kind.OBSERVATION, l.kind());
        assertEquals(Instant.parse("2026-01-21T00:00:00Z").toEpochMilli(), l.published());
    }

    @Test
    void shouldTakeZoneIntoAccountWhenPublishedIsADateTime() {
        assertEquals(Instant.parse("2026-01-20T01:30:00Z").toEpochMilli(),
                classify("{\"published\":\"2026-01-20T09:30:00+08:00\"}").published());
    }

    @Test
    void shouldDetectRegistrationWhenLineHasModelName() {
        ReplayLine l = classify("{\"id\":\"r1\",\"model_name\":\"智谱清言\",\"organization\":\"Zhipu\",\"region\":\"CN-BJ-HD\",\"registered\":\"2025-03-01\",\"published\":\"2025-03-05\"}");
        assertEquals(ReplayLine.Kind.REGISTRATION, l.kind());
    }

    @Test
    void shouldBeBadWhenLineIsNotJson() {
        ReplayLine l = classify("{\"id\":\"a\",\"published\":\"2025-");
        assertTrue(l.bad());
        assertTrue(l.problem().startsWith("not valid JSON"), l.problem());
        assertTrue(classify("[1,2]").bad());
        assertTrue(classify("{\"published\":\"2025-01-01\"} trailing").bad());
        assertEquals("not a JSON object", classify("\"text\"").problem());
    }

    @Test
    void shouldBeBadWhenPublishedIsMissingOrUnreadable() {
        assertEquals("no 'published'", classify("{\"id\":\"a\"}").problem());
        assertEquals("no 'published'", classify("{\"id\":\"a\",\"published\":null}").problem());
        assertEquals("'published' is not a string", classify("{\"published\":20250101}").problem());
        assertTrue(classify("{\"published\":\"2025-13-45\"}").problem().contains("2025-13-45"));
    }
}
