package dev.almanac.query;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bounded pool of threads that run Calcite statements: as many as configured (about the number of
 * cores), so that queries cannot take every core from the stream threads; each statement within its
 * time limit, cancelled when it is exceeded.
 */
final class QueryWorkers implements AutoCloseable {

    /** A statement's work; {@code running} is set to the statement being executed, so that it can be cancelled. */
    interface Work<T> {
        T run(QueryContext ctx, AtomicReference<PreparedStatement> running) throws Exception;
    }

    private final ExecutorService executor;

    QueryWorkers(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "almanac-sql-" + n.incrementAndGet());
            t.setDaemon(true);
            // Below the stream threads where the JVM maps priorities to the OS (see QueryServer.configure).
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
    }

    /**
     * Runs {@code work} on a worker with {@code ctx} as its context, waiting for it up to the time limit.
     *
     * @throws QueryException 504 past the time limit, 503 when interrupted, else the work's failure
     */
    <T> T run(QueryContext ctx, Work<T> work) {
        AtomicReference<PreparedStatement> running = new AtomicReference<>();
        Future<T> future = executor.submit(() -> ctx.with(() -> work.run(ctx, running)));
        Duration limit = ctx.timeLimit();
        try {
            return future.get(limit.toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ctx.cancel();
            PreparedStatement ps = running.get();
            if (ps != null) {
                try {
                    ps.cancel();
                } catch (SQLException ignored) {
                    // the deadline check in the scans stops it anyway
                }
            }
            future.cancel(true);
            throw new QueryException(504, "query exceeded the time limit of " + limit.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new QueryException(503, "interrupted");
        } catch (ExecutionException e) {
            throw SqlErrors.translate(e.getCause());
        }
    }

    /** Submits a task without waiting (warming up every worker). */
    Future<?> submit(java.util.concurrent.Callable<?> task) {
        return executor.submit(task);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
