package dev.almanac.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayerTest {

    private static final ReplayTopics ROUTES = new ReplayTopics("p.observations.raw", "p.registrations.raw");

    @TempDir
    Path dir;

    /** A record the fake sink received. */
    record Sent(String topic, String value, Long timestamp) {
    }

    /** Collects records; flush counts. */
    static final class ListSink implements Replayer.Sink {
        final List<Sent> sent = new ArrayList<>();
        int flushes;

        @Override
        public void send(String topic, byte[] value, Long timestampMillis) {
            sent.add(new Sent(topic, new String(value, StandardCharsets.UTF_8), timestampMillis));
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    /** A clock that only moves when asked to sleep, recording each wake-up time. */
    static final class FakeClock implements Replayer.Clock {
        long now = 1_000;
        final List<Long> wakeUps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            wakeUps.add(deadlineNanos - 1_000);
            now = Math.max(now, deadlineNanos);
        }
    }

    private static String obs(String id, String published) {
        return "{\"id\":\"" + id + "\",\"indicator\":\"gdp\",\"region\":\"CN-BJ\",\"period\":\"2025\",\"value\":\"5万亿\","
                + "\"unit\":\"CNY\",\"qualifier\":\"estimate\",\"published\":\"" + published + "\",\"source\":\"t\"}";
    }

    private static long millis(String date) {
        return Instant.parse(date + "T00:00:00Z").toEpochMilli();
    }

    private Path file(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private ReplayResult run(Replayer.Options options, ListSink sink, Replayer.Clock clock, Path... files) throws Exception {
        return new Replayer(options, ROUTES, sink, clock).run(List.of(files), Replayer.Listener.NONE);
    }

    @Test
    void shouldSendEveryLineWithItsPublishedAsTimestampWhenReplayingAtMax() throws Exception {
        Path f = file("h.jsonl", obs("a", "2026-01-21"), obs("b", "2025-12-08"));
        ListSink sink = new ListSink();
        ReplayResult r = run(new Replayer.Options(DateWindow.ALL, new Pacing.Max(), false), sink, new FakeClock(), f);
        assertEquals(List.of(new Sent(ROUTES.observations(), obs("a", "2026-01-21"), millis("2026-01-21")),
                new Sent(ROUTES.observations(), obs("b", "2025-12-08"), millis("2025-12-08"))), sink.sent);
        assertEquals(2, r.observations());
        assertEquals(millis("2025-12-08"), r.firstPublished().getAsLong());
        assertEquals(millis("2026-01-21"), r.lastPublished().getAsLong());
        assertEquals(1, sink.flushes);
    }

    @Test
    void shouldRouteRegistrationEventsToTheirTopicWhenLineHasModelName() throws Exception {
        String reg = "{\"id\":\"r1\",\"model_name\":\"m\",\"organization\":\"o\",\"region\":\"CN-BJ\",\"published\":\"2025-03-01\"}";
        ListSink sink = new ListSink();
        ReplayResult r = run(new Replayer.Options(DateWindow.ALL, new Pacing.Max(), false), sink, new FakeClock(),
                file("h.jsonl", obs("a", "2025-03-01"), reg));
        assertEquals(List.of(ROUTES.observations(), ROUTES.registrations()), sink.sent.stream().map(Sent::topic).toList());
        assertEquals(1, r.registrations());
        assertEquals(1, r.observations());
    }

    @Test
    void shouldSkipLinesOutsideTheWindowWhenFromAndToAreGiven() throws Exception {
        Path f = file("h.jsonl", obs("a", "2025-04-03"), obs("b", "2025-06-23"), obs("c", "2025-12-08"), obs("d", "2026-01-21"));
        ListSink sink = new ListSink();
        ReplayResult r = run(new Replayer.Options(DateWindow.of("2025-06-23", "2025-12-08"), new Pacing.Max(), false),
                sink, new FakeClock(), f);
        assertEquals(List.of(millis("2025-06-23"), millis("2025-12-08")), sink.sent.stream().map(Sent::timestamp).toList());
        assertEquals(2, r.outsideWindow());
        assertEquals(4, r.lines());
    }

    @Test
    void shouldCountBadLinesAndSendThemToRawTopicWhenNotStrict() throws Exception {
        Path f = file("h.jsonl", obs("a", "2025-04-03"), "{broken", "{\"id\":\"x\",\"model_name\":\"m\"}", obs("b", "2025-04-04"));
        ListSink sink = new ListSink();
        ReplayResult r = run(new Replayer.Options(DateWindow.of("2025-04-04", null), new Pacing.Max(), false), sink, new FakeClock(), f);
        assertEquals(2, r.bad());
        assertEquals(1, r.observations());
        assertEquals(1, r.outsideWindow());
        assertEquals(3, r.sent());
        assertEquals(List.of(f + ":2: not valid JSON", f + ":3: no 'published'"),
                r.badExamples().stream().map(e -> e.startsWith(f + ":2: not valid JSON") ? f + ":2: not valid JSON" : e).toList());
        List<Sent> bad = sink.sent.stream().filter(s -> s.timestamp() == null).toList();
        assertEquals(2, bad.size());
        assertTrue(bad.stream().allMatch(s -> s.topic().equals(ROUTES.observations())), "bad lines go to the raw observations topic");
    }

    @Test
    void shouldFailWithFileAndLineBeforeSendingAnythingWhenStrict() throws Exception {
        Path a = file("a.jsonl", obs("a", "2025-04-03"));
        Path b = file("b.jsonl", obs("b", "2025-04-03"), "", obs("c", "2025-04-03").replace("\"published\":\"2025-04-03\",", ""));
        ListSink sink = new ListSink();
        BadLineException e = assertThrows(BadLineException.class,
                () -> run(new Replayer.Options(DateWindow.ALL, new Pacing.Max(), true), sink, new FakeClock(), a, b));
        assertEquals(b + ":3: no 'published'", e.getMessage());
        assertEquals(3, e.line().number());
        assertTrue(sink.sent.isEmpty());
    }

    @Test
    void shouldFailOnWhatTheValidatorWouldRejectWhenStrict() throws Exception {
        Path f = file("h.jsonl", obs("a", "2025-04-03"), obs("b", "2025-04-03").replace("CN-BJ", "beijing"));
        BadLineException e = assertThrows(BadLineException.class,
                () -> run(new Replayer.Options(DateWindow.ALL, new Pacing.Max(), true), new ListSink(), new FakeClock(), f));
        assertTrue(e.getMessage().startsWith(f + ":2: "), e.getMessage());
        assertTrue(e.getMessage().contains("beijing"), e.getMessage());
    }

    @Test
    void shouldSendInPublicationOrderWithCompressedGapsWhenSpeedup() throws Exception {
        Path f = file("h.jsonl", obs("c", "2025-01-11"), obs("a", "2025-01-01"), "not json", obs("b", "2025-01-02"), obs("b2", "2025-01-02"));
        ListSink sink = new ListSink();
        FakeClock clock = new FakeClock();
        run(new Replayer.Options(DateWindow.ALL, new Pacing.Speedup(86_400), false), sink, clock, f);
        assertEquals(List.of("bad", "a", "b", "b2", "c"), sink.sent.stream()
                .map(s -> s.timestamp() == null ? "bad" : s.value().substring(7, s.value().indexOf('"', 7))).toList());
        assertNull(sink.sent.get(0).timestamp());
        // one day of publication time per second: b and b2 at 1 s (one wait), c at 10 s
        assertEquals(List.of(1_000_000_000L, 10_000_000_000L), clock.wakeUps);
    }

    @Test
    void shouldWaitBeforeEachRecordWhenRateIsGiven() throws Exception {
        Path f = file("h.jsonl", obs("a", "2025-01-03"), obs("b", "2025-01-01"), obs("c", "2025-01-02"));
        ListSink sink = new ListSink();
        FakeClock clock = new FakeClock();
        run(new Replayer.Options(DateWindow.ALL, new Pacing.Rate(4), false), sink, clock, f);
        assertEquals(List.of(250_000_000L, 500_000_000L), clock.wakeUps);
        assertEquals(List.of(millis("2025-01-03"), millis("2025-01-01"), millis("2025-01-02")),
                sink.sent.stream().map(Sent::timestamp).toList(), "file order");
    }
}
