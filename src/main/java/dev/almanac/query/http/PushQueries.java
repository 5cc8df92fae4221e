package dev.almanac.query.http;

import dev.almanac.query.QueryException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The push queries running on this server, by id: a bounded number of slots (each push query holds a
 * consumer and a request thread), and the stop flag {@code POST /close-query} sets.
 */
final class PushQueries {

    /** One running push query. */
    record Running(String id, String sql, AtomicBoolean stop) {
    }

    private final int max;
    private final Semaphore slots;
    private final Map<String, Running> byId = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();

    PushQueries(int max) {
        this.max = max;
        this.slots = new Semaphore(max);
    }

    /**
     * Takes a slot.
     *
     * @throws QueryException 429 when every slot is taken
     */
    Running start(String sql) {
        if (!slots.tryAcquire()) {
            throw new QueryException(429, "too many push queries running (" + max + "): close one (POST /close-query) or try again later");
        }
        Running r = new Running("almanac_push_" + Long.toString(System.currentTimeMillis(), 36) + "_" + next.incrementAndGet(), sql,
                new AtomicBoolean());
        byId.put(r.id(), r);
        return r;
    }

    void end(Running r) {
        if (byId.remove(r.id(), r)) {
            slots.release();
        }
    }

    /** Asks a push query to stop; false when no such query runs. */
    boolean close(String id) {
        Running r = byId.get(id);
        if (r == null) {
            return false;
        }
        r.stop().set(true);
        return true;
    }

    Collection<Running> running() {
        return List.copyOf(byId.values());
    }
}
