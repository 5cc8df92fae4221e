package dev.almanac.foundation;

import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Totals of the validation counters. Each task counts its own partition, so totals are sums over
 * every entry of the store, never a single {@code get}.
 *
 * @param accepted records forwarded to the valid topic
 * @param rejected records forwarded to the dead-letter topic
 * @param rejectedByReason rejected records by reason name
 */
public record ValidationCounts(long accepted, long rejected, Map<String, Long> rejectedByReason) {

    static final String ACCEPTED = "accepted";
    static final String REJECTED = "rejected";
    static final String REJECTED_PREFIX = "rejected.";

    /** Records read: every one is either accepted or rejected. */
    public long read() {
        return accepted + rejected;
    }

    /** Sums the counters in a (possibly multi-partition) view of {@link FoundationTopology#VALIDATION_COUNTS_STORE}. */
    public static ValidationCounts sum(ReadOnlyKeyValueStore<String, Long> store) {
        long accepted = 0;
        long rejected = 0;
        Map<String, Long> byReason = new TreeMap<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                if (ACCEPTED.equals(kv.key)) {
                    accepted += kv.value;
                } else if (REJECTED.equals(kv.key)) {
                    rejected += kv.value;
                } else if (kv.key.startsWith(REJECTED_PREFIX)) {
                    byReason.merge(kv.key.substring(REJECTED_PREFIX.length()), kv.value, Long::sum);
                }
            }
        }
        return new ValidationCounts(accepted, rejected, byReason);
    }
}
