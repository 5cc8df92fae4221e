package dev.almanac.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command ({@code run}, {@code demo}) stops on SIGINT or SIGTERM within a bound.
 *
 * <p>The JVM runs its shutdown hooks and halts as soon as they return, whatever other threads are
 * doing. So the hook closes nothing itself: it wakes the command's thread (interrupting it when it
 * is busy starting, replaying or waiting on Kafka) and waits, at most {@link #GRACE}, while that
 * thread closes its resources in order through try-with-resources, each with its own short
 * timeout (query API, pipeline, registry, broker). If they are not closed by then (a broker that is
 * gone makes every Kafka client wait), the hook runs the last-resort actions (kill the embedded
 * broker's JVM, so that it does not outlive us) and returns: the process ends. One thread closing
 * in one order replaces two threads closing the same objects concurrently.
 */
final class GracefulStop implements AutoCloseable {

    /** How long the hook waits for the command to close its resources; the stop bound is this plus JVM exit. */
    static final Duration GRACE = Duration.ofSeconds(12);

    private final Thread command;
    private final Thread hook;
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Runnable> lastResort = new CopyOnWriteArrayList<>();
    private volatile boolean parked;

    private GracefulStop(Thread command) {
        this.command = command;
        this.hook = new Thread(this::onSignal, "almanac-shutdown");
    }

    /** Installs the hook for the calling thread, which must close this last (outermost resource). */
    static GracefulStop install() {
        GracefulStop stop = new GracefulStop(Thread.currentThread());
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /** Runs {@code action} if the command has not closed within {@link #GRACE} after a signal. */
    void onTimeout(Runnable action) {
        lastResort.add(action);
    }

    /** Whether a signal asked the command to stop. */
    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Blocks until a signal arrives. */
    void await() throws InterruptedException {
        parked = true;
        try {
            requested.await();
        } finally {
            parked = false;
        }
    }

    /** Blocks until a signal arrives or {@code timeout} passes; true when a signal arrived. */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        parked = true;
        try {
            return requested.await(timeout, unit);
        } finally {
            parked = false;
        }
    }

    /**
     * For a command's catch of an interrupt: one that a stop signal caused is the normal end (the
     * try-with-resources it came through has closed what had started), any other is rethrown.
     */
    <E extends Exception> void rethrowUnlessRequested(E interrupt) throws E {
        if (!requested()) {
            throw interrupt;
        }
    }

    /**
     * Clears the interrupt the hook may have sent the command's thread, so that the closes that follow
     * run their bounded graceful course instead of failing fast on a stale interrupt.
     */
    void clearInterrupt() {
        if (requested()) {
            Thread.interrupted();
        }
    }

    private void onSignal() {
        requested.countDown();
        if (!parked) {
            command.interrupt();
        }
        try {
            if (!closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.printf("almanac: resources not closed %d s after the stop signal (is the broker gone?); exiting anyway%n",
                        GRACE.toSeconds());
                lastResort.forEach(GracefulStop::runQuietly);
            }
        } catch (InterruptedException e) {
            lastResort.forEach(GracefulStop::runQuietly);
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // exiting anyway: one failed last resort must not skip the others
        }
    }

    /** Called when the command has closed everything: the hook may return (or is removed if no signal came). */
    @Override
    public void close() {
        closed.countDown();
        if (!requested()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // System.exit from elsewhere: the hook finds everything closed and returns at once
            }
        }
    }
}
