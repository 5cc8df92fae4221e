package dev.almanac.runtime;

import dev.almanac.kafka.ClusterAccess;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Waits, before anything else talks to Kafka, until the cluster answers. A pipeline started before its
 * broker (a machine's services starting together, a broker restarting) then starts by itself once the
 * broker listens, instead of each client giving up after its own timeout. The wait says so in one line,
 * then retries quietly; a stop signal (an interrupt) ends it at once. A cluster that answers but refuses
 * this client (authentication, ACLs) ends it too: retrying would not change that.
 */
public final class KafkaWait {

    /** How long one attempt waits for an answer, and so how often the wait retries. */
    public static final Duration ATTEMPT = Duration.ofSeconds(5);

    /** How often a long wait repeats that it is still waiting. */
    static final Duration REMINDER = Duration.ofMinutes(1);

    private KafkaWait() {
    }

    /**
     * Returns once the cluster describes itself with at least one broker.
     *
     * @param limit how long to wait in all; {@link Duration#ZERO} waits forever
     * @param say   where the waiting line, reminders and the line that ends the wait go
     * @throws IllegalStateException when {@code limit} passes first, with the last reason
     * @throws AuthenticationException or {@link AuthorizationException} at once, when the cluster refuses the client
     */
    public static void await(ClusterAccess cluster, Duration limit, Consumer<String> say) throws InterruptedException {
        long start = System.nanoTime();
        long nextReminder = start + REMINDER.toNanos();
        boolean announced = false;
        Admin admin = null;
        try {
            while (true) {
                long attemptStart = System.nanoTime();
                String reason;
                try {
                    if (admin == null) {
                        admin = admin(cluster);
                    }
                    Collection<Node> nodes = admin.describeCluster().nodes().get(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
                    if (!nodes.isEmpty()) {
                        if (announced) {
                            say.accept(String.format("Kafka at %s answered after %d s", cluster.bootstrapServers(),
                                    seconds(System.nanoTime() - start)));
                        }
                        return;
                    }
                    reason = "the cluster has no broker yet";
                } catch (ExecutionException e) {
                    rethrowRefusal(e.getCause());
                    reason = e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                            ? "no answer within " + ATTEMPT.toSeconds() + " s" : message(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    reason = "no answer within " + ATTEMPT.toSeconds() + " s";
                } catch (KafkaException e) { // e.g. no resolvable bootstrap address yet: the client could not be made
                    rethrowRefusal(e);
                    reason = message(e);
                    closeQuietly(admin);
                    admin = null;
                }
                long now = System.nanoTime();
                if (!limit.isZero() && now - start >= limit.toNanos()) {
                    throw new IllegalStateException("Kafka at " + cluster.bootstrapServers() + " did not answer within "
                            + limit.toSeconds() + " s (" + reason + ")");
                }
                if (!announced) {
                    say.accept(String.format("Waiting for Kafka at %s (%s); retrying every %d s%s; Ctrl-C stops.",
                            cluster.bootstrapServers(), reason, ATTEMPT.toSeconds(),
                            limit.isZero() ? "" : " for up to " + limit.toSeconds() + " s"));
                    announced = true;
                } else if (now >= nextReminder) {
                    say.accept(String.format("Still waiting for Kafka at %s after %d s (%s)", cluster.bootstrapServers(),
                            seconds(now - start), reason));
                    nextReminder = now + REMINDER.toNanos();
                }
                // An attempt that failed at once (connection refused) waits out the rest of its interval.
                long rest = ATTEMPT.toNanos() - (System.nanoTime() - attemptStart);
                if (rest > 0) {
                    TimeUnit.NANOSECONDS.sleep(rest);
                }
            }
        } finally {
            closeQuietly(admin);
        }
    }

    private static Admin admin(ClusterAccess cluster) {
        Properties p = cluster.properties();
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ATTEMPT.toMillis());
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ATTEMPT.toMillis());
        return Admin.create(p);
    }

    private static void rethrowRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException a) {
                throw a;
            }
            if (t instanceof AuthorizationException a) {
                throw a;
            }
        }
    }

    private static String message(Throwable e) {
        String m = e == null ? null : e.getMessage();
        return m == null || m.isBlank() ? String.valueOf(e) : m.replaceAll("\\s+", " ");
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    private static void closeQuietly(Admin admin) {
        if (admin != null) {
            // Not waiting on a cluster that is not there: a stop signal must end the wait at once.
            admin.close(Duration.ZERO);
        }
    }
}
