package dev.almanac.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One query's bookkeeping: its deadline and which instance answered which store partition, as an
 * active or a standby replica. Table scans run on the thread that iterates the result, so the
 * context travels as a thread-local set by the engine around execution.
 */
public final class QueryContext {

    private static final ThreadLocal<QueryContext> CURRENT = new ThreadLocal<>();

    /** One partition read by one instance. */
    record Answer(String instance, String store, int partition, boolean standby) {
    }

    private final long deadlineNanos;
    private final Duration timeLimit;
    private final List<Answer> answers = new ArrayList<>();
    private volatile boolean cancelled;

    public QueryContext(Duration timeLimit) {
        this.timeLimit = timeLimit;
        this.deadlineNanos = System.nanoTime() + timeLimit.toNanos();
    }

    /** The context of the query running on this thread; a generous one when none was set (tests, tools). */
    public static QueryContext current() {
        QueryContext c = CURRENT.get();
        return c != null ? c : new QueryContext(Duration.ofMinutes(1));
    }

    /** Runs {@code body} with this context as the current one. */
    public <T> T with(java.util.concurrent.Callable<T> body) throws Exception {
        QueryContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return body.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    Duration timeLimit() {
        return timeLimit;
    }

    /** Nanoseconds left before the deadline (negative once past it). */
    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    public void cancel() {
        cancelled = true;
    }

    /** Throws 504 once the time limit has passed or the query was cancelled. */
    public void check() {
        if (cancelled || remainingNanos() <= 0) {
            throw new QueryException(504, "query exceeded the time limit of " + timeLimit.toMillis() + " ms");
        }
    }

    public synchronized void answered(String instance, String store, int partition, boolean standby) {
        answers.add(new Answer(instance, store, partition, standby));
    }

    synchronized List<Answer> answers() {
        return List.copyOf(answers);
    }

    /**
     * Per instance: the store partitions it answered, e.g. {@code {"instance": "10.0.0.5:8088",
     * "partitions": {"latest-history-store": [0, 2]}, "standby_partitions": {}}}.
     */
    synchronized List<Map<String, Object>> instancesSummary() {
        Map<String, Map<String, TreeSet<Integer>>> active = new TreeMap<>();
        Map<String, Map<String, TreeSet<Integer>>> standby = new TreeMap<>();
        for (Answer a : answers) {
            (a.standby() ? standby : active).computeIfAbsent(a.instance(), i -> new TreeMap<>())
                    .computeIfAbsent(a.store(), s -> new TreeSet<>()).add(a.partition());
            (a.standby() ? active : standby).computeIfAbsent(a.instance(), i -> new TreeMap<>());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String instance : active.keySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instance", instance);
            m.put("partitions", active.get(instance));
            m.put("standby_partitions", standby.getOrDefault(instance, Map.of()));
            out.add(m);
        }
        return out;
    }
}
