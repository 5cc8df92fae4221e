package dev.almanac.derived.conflict;

import dev.almanac.avro.SeriesPoint;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * The vintages of recently written series, decoded, in the byte order of the vintages store: one writer's
 * (one task's) copy of part of its store. The writer reads a period and its neighbours per record; from
 * RocksDB that is a reverse read and a forward read through a memtable of tens of thousands of entries
 * (a reverse step searches the memtable again), which took a third of the derived stream thread.
 *
 * <p>A series is cached whole or not at all, so a cached series answers every read the store would. The
 * cache is bounded in points: it evicts the least recently used series. When series come back faster than
 * they stay (more series in play than the bound holds, as in a replay in publication order), each return
 * would load the whole series again; the cache watches what loading costs against what it serves and steps
 * aside for a while when loading costs more, so the writer never does much more than it would without it.
 * Series longer than {@link #MAX_SERIES_POINTS} are never cached: their first load would cost too much.
 */
final class VintagesCache {

    /** The longest series cached: loading it reads and decodes every point once. */
    static final int MAX_SERIES_POINTS = 4_096;
    /** Records between two looks at what the cache costs against what it serves. */
    private static final int WINDOW = 8_192;

    private final int maxPoints;
    /** Access order: the eldest entry is the least recently used series. */
    private final LinkedHashMap<String, TreeMap<Bytes, SeriesPoint>> series = new LinkedHashMap<>(256, 0.75f, true);
    /** Series found too long to cache, so that they are not scanned again (cleared when it grows large). */
    private final java.util.Set<String> tooLong = new java.util.HashSet<>();
    private long points;
    private int windowRecords;
    private long windowLoaded;
    /** Records still to pass before the cache is tried again, after it cost more than it served. */
    private long bypass;

    /** @param maxPoints how many points the cache holds at most (0: no cache) */
    VintagesCache(int maxPoints) {
        this.maxPoints = maxPoints;
    }

    /** Whether to use the cache for the next record; counts the record. */
    boolean enabled() {
        if (maxPoints <= 0) {
            return false;
        }
        if (bypass > 0) {
            bypass--;
            return false;
        }
        if (++windowRecords >= WINDOW) {
            // Loading cost more than two decoded points per record served: the series come back after
            // they were evicted. Step aside for as long as the cache would take to fill again.
            if (windowLoaded > 2L * windowRecords) {
                clear();
                bypass = Math.max(maxPoints, WINDOW);
            }
            windowRecords = 0;
            windowLoaded = 0;
        }
        return bypass == 0;
    }

    /** The cached series, or null when it is not cached. */
    TreeMap<Bytes, SeriesPoint> get(String seriesPrefix) {
        return series.get(seriesPrefix);
    }

    /** Whether {@code seriesPrefix} is known to be too long to cache. */
    boolean tooLong(String seriesPrefix) {
        return tooLong.contains(seriesPrefix);
    }

    /** Remembers that {@code seriesPrefix} is too long to cache; counts the points read finding out. */
    void markTooLong(String seriesPrefix, int pointsRead) {
        windowLoaded += pointsRead;
        if (tooLong.size() >= 100_000) {
            tooLong.clear();
        }
        tooLong.add(seriesPrefix);
    }

    /** Adds a series just loaded from the store. */
    void add(String seriesPrefix, TreeMap<Bytes, SeriesPoint> loaded) {
        windowLoaded += loaded.size();
        series.put(seriesPrefix, loaded);
        points += loaded.size();
        evict(seriesPrefix);
    }

    /** Files a point written to the store under its series, which must be cached. */
    void put(String seriesPrefix, TreeMap<Bytes, SeriesPoint> cached, Bytes key, SeriesPoint point) {
        if (cached.put(key, point) == null) {
            points++;
            if (cached.size() > MAX_SERIES_POINTS) {
                series.remove(seriesPrefix);
                points -= cached.size();
                tooLong.add(seriesPrefix);
            }
        }
        evict(seriesPrefix);
    }

    /** Evicts the least recently used series other than {@code keep} until the cache is within its bound. */
    private void evict(String keep) {
        Iterator<Map.Entry<String, TreeMap<Bytes, SeriesPoint>>> eldest = series.entrySet().iterator();
        while (points > maxPoints && eldest.hasNext()) {
            Map.Entry<String, TreeMap<Bytes, SeriesPoint>> e = eldest.next();
            if (!e.getKey().equals(keep)) {
                points -= e.getValue().size();
                eldest.remove();
            }
        }
    }

    void clear() {
        series.clear();
        tooLong.clear();
        points = 0;
    }

    long points() {
        return points;
    }
}
