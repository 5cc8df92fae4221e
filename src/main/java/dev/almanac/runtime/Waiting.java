package dev.almanac.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one way Almanac waits for something that cannot notify it (a consumer group's offsets, a topic's
 * deletion, a store partition's state): re-check a condition at a fixed pause until it holds, and fail
 * with a message once the deadline has passed. A condition that can tell the wait is hopeless (an
 * application died) throws, and the exception ends the wait.
 */
public final class Waiting {

    /** A condition re-checked until it holds. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws InterruptedException;
    }

    private Waiting() {
    }

    /**
     * Returns once {@code condition} holds; checks it at once, then every {@code pause}.
     *
     * @throws IllegalStateException with {@code onTimeout}'s message when it does not hold within {@code timeout}
     */
    public static void until(Condition condition, Duration timeout, Duration pause, Supplier<String> onTimeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(onTimeout.get());
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(pause.toNanos(), left));
        }
    }
}
