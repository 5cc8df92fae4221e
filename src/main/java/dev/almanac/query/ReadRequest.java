package dev.almanac.query;

import java.util.List;
import java.util.Objects;

/**
 * What a table scan asks of the stores, after key predicates were pushed down: either every row
 * ({@code fullScan}), or the rows whose leading key columns equal one of {@code prefixes} (a prefix as
 * long as the key is a point lookup). {@code asOf} (epoch millis) asks for the table as known then.
 *
 * @param fullScan whether no key predicate applies
 * @param prefixes leading key column values, each list 1..key length long (empty when fullScan)
 * @param asOf as-of time in epoch millis, or null for the live table
 */
public record ReadRequest(boolean fullScan, List<List<String>> prefixes, Long asOf) {

    public ReadRequest {
        prefixes = List.copyOf(prefixes);
        if (!fullScan && prefixes.isEmpty()) {
            throw new IllegalArgumentException("a keyed read needs at least one prefix");
        }
        for (List<String> p : prefixes) {
            if (p.isEmpty() || p.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("empty or null key prefix");
            }
        }
    }

    /** Every row. */
    public static ReadRequest all(Long asOf) {
        return new ReadRequest(true, List.of(), asOf);
    }

    /** The rows matching these key prefixes. */
    public static ReadRequest keys(List<List<String>> prefixes, Long asOf) {
        return new ReadRequest(false, prefixes, asOf);
    }

    /** The same request restricted to other prefixes (for one partition). */
    public ReadRequest withPrefixes(List<List<String>> subset) {
        return new ReadRequest(false, subset, asOf);
    }

    /** The shortest prefix length asked for; 0 for a full scan. */
    public int minPrefixLength() {
        return fullScan ? 0 : prefixes.stream().mapToInt(List::size).min().orElse(0);
    }
}
