package dev.almanac.region;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Walks a region hierarchy given as a parent lookup. */
public final class RegionHierarchy {

    /** Deeper than any real hierarchy: a guard against cycles introduced by later updates. */
    static final int MAX_DEPTH = 32;

    private RegionHierarchy() {
    }

    /**
     * The region and its ancestors, nearest first ({@code CN-BJ-HD, CN-BJ, CN, WORLD}). Stops at a region
     * without a known parent, and before repeating a region (a cycle).
     *
     * @param parentOf the parent of a region, or null when it has none or is unknown
     */
    public static List<String> selfAndAncestors(String region, Function<String, String> parentOf) {
        Set<String> path = new LinkedHashSet<>();
        String at = region;
        while (at != null && path.size() < MAX_DEPTH && path.add(at)) {
            at = parentOf.apply(at);
        }
        return new ArrayList<>(path);
    }
}
