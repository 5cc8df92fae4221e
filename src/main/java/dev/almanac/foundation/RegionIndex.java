package dev.almanac.foundation;

/**
 * Region prefixes for queries that fix the region but not the indicator ({@code WHERE region LIKE
 * 'CN-BJ-%'}, {@code WHERE region = 'CN-SH'}). No separate index is kept: the latest table's history is
 * keyed indicator, then region ({@link LatestHistory}), and there are few indicators, so such a query
 * is one prefix scan per indicator ({@link LatestHistory.Reader#regionWinners}). A prefix is the
 * region's text (any region starting with it) or the region and the end byte of the field (exactly
 * that region).
 */
public final class RegionIndex {

    static final char SEPARATOR = '\u0000';

    private RegionIndex() {
    }

    /** The prefix of every key of exactly {@code region}. */
    public static String exactRegion(String region) {
        return region + SEPARATOR;
    }
}
