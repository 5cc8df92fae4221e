package dev.almanac.serde;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries, in place, a decode that failed because the schema registry could not answer (unreachable, timed
 * out, 5xx: {@link RegistryUnavailableException#causedBy}), pausing 0.5, 1, 2 and 4 s between attempts,
 * with a log line before each pause. A registry back within those 7.5 s costs the pipeline only the wait. When
 * the last pause has not helped, the call throws {@link RegistryUnavailableException}, and the stream
 * thread is replaced as before (its tasks retry from the last commit).
 *
 * <p>Why 7.5 s in all: the stream thread waits while it retries, and under exactly-once its transaction stays
 * open meanwhile; Kafka Streams sets {@code transaction.timeout.ms} to 10 s, after which the broker would
 * abort the transaction. (At-least-once is bounded by {@code max.poll.interval.ms}, 300 s by default.)
 *
 * <p>Each call has its own 7.5 s: a registry that fails again right after answering can make one thread wait
 * longer within one transaction; the broker then aborts it and Kafka Streams re-processes from the last commit,
 * so nothing is lost or counted twice. Any other failure (an id the registry does not know, bad bytes) is
 * thrown at once, untouched.
 */
public final class RegistryRetry {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);

    /** Pauses between attempts. */
    public static final List<Duration> PAUSES = List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4));

    /** The retry the pipeline's validators use. */
    public static final RegistryRetry DEFAULT = new RegistryRetry(PAUSES, d -> Thread.sleep(d.toMillis()));

    /** How a retry waits (tests pass one that does not). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;
    }

    private final List<Duration> pauses;
    private final Sleeper sleeper;

    public RegistryRetry(List<Duration> pauses, Sleeper sleeper) {
        this.pauses = List.copyOf(pauses);
        this.sleeper = sleeper;
    }

    /**
     * The result of {@code attempt}, retried in place while the registry cannot answer and pauses are left.
     *
     * @throws RegistryUnavailableException when the registry still cannot answer after the last pause
     */
    public <T> T call(Supplier<T> attempt) {
        int failed = 0;
        while (true) {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                if (!RegistryUnavailableException.causedBy(e)) {
                    throw e;
                }
                if (failed == pauses.size()) {
                    throw e instanceof RegistryUnavailableException r ? r : new RegistryUnavailableException(e);
                }
                Duration pause = pauses.get(failed++);
                LOG.warn("schema registry unavailable; attempt {} of {} failed, retrying in {} s (after the last, the stream thread"
                        + " is replaced): {}", failed, pauses.size() + 1, String.format(Locale.ROOT, "%.1f", pause.toMillis() / 1000.0),
                        rootMessage(e));
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException(e);
                }
            }
        }
    }

    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException) {
                return t.getMessage();
            }
        }
        return e.getMessage();
    }
}
