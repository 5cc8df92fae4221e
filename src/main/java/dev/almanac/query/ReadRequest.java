package dev.almanac.query;

import java.util.List;
import java.util.Objects;

/**
 * What a table scan asks of the stores, after predicates were pushed down. Either key prefixes (the
 * leading key columns fixed; as long as the key, a point lookup), or a scan of every partition
 * ({@code fullScan}), narrowed to the rows whose region starts with one of {@code indexPrefixes}
 * when the table has a region index and the query fixes the region. {@code asOf} (epoch millis) asks
 * for the table as known then.
 *
 * @param fullScan whether every partition is read (no key prefix applies)
 * @param prefixes leading key column values, each list 1..key length long (empty when fullScan)
 * @param indexPrefixes region-index string prefixes narrowing a full scan; empty for none
 * @param asOf as-of time in epoch millis, or null for the live table
 * @param countOnly only the number of rows is wanted: a table may answer with {@link #counted} rows,
 *     which stand for rows without holding their values (see {@link TableDef#readPartition})
 */
public record ReadRequest(boolean fullScan, List<List<String>> prefixes, List<String> indexPrefixes, Long asOf, boolean countOnly) {

    /** What a table answers a count-only request with, once per row, instead of the row's values. */
    static final Object[] COUNTED = new Object[0];

    public ReadRequest(boolean fullScan, List<List<String>> prefixes, List<String> indexPrefixes, Long asOf) {
        this(fullScan, prefixes, indexPrefixes, asOf, false);
    }

    public ReadRequest {
        prefixes = List.copyOf(prefixes);
        indexPrefixes = List.copyOf(indexPrefixes);
        if (!fullScan && prefixes.isEmpty()) {
            throw new IllegalArgumentException("a keyed read needs at least one prefix");
        }
        if (!fullScan && !indexPrefixes.isEmpty()) {
            throw new IllegalArgumentException("index prefixes narrow full scans only");
        }
        for (List<String> p : prefixes) {
            if (p.isEmpty() || p.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("empty or null key prefix");
            }
        }
    }

    /** Every row. */
    public static ReadRequest all(Long asOf) {
        return new ReadRequest(true, List.of(), List.of(), asOf);
    }

    /** Every row whose region-index key starts with one of {@code indexPrefixes}. */
    static ReadRequest indexed(List<String> indexPrefixes, Long asOf) {
        return new ReadRequest(true, List.of(), indexPrefixes, asOf);
    }

    /** The rows matching these key prefixes. */
    public static ReadRequest keys(List<List<String>> prefixes, Long asOf) {
        return new ReadRequest(false, prefixes, List.of(), asOf);
    }

    /** The same request restricted to other prefixes (for one partition). */
    ReadRequest withPrefixes(List<List<String>> subset) {
        return new ReadRequest(false, subset, List.of(), asOf, countOnly);
    }

    /** The same request, for the number of rows only. */
    ReadRequest counting() {
        return new ReadRequest(fullScan, prefixes, indexPrefixes, asOf, true);
    }

    /** {@code n} rows that stand for rows of a count-only request. */
    static List<Object[]> counted(long n) {
        return java.util.Collections.nCopies(Math.toIntExact(n), COUNTED);
    }

    /** The shortest prefix length asked for; 0 for a full scan. */
    int minPrefixLength() {
        return fullScan ? 0 : prefixes.stream().mapToInt(List::size).min().orElse(0);
    }
}
