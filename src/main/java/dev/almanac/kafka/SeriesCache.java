package dev.almanac.kafka;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Recently used series of one processor's (one task's) store, decoded in memory: a processor that reads
 * part of a series from RocksDB on every record reads it here instead. A series is cached whole or not at
 * all, so a cached series answers every read the store would; the processor loads it from the store on
 * its first use and changes it as it writes the store.
 *
 * <p>The cache is bounded in entries and evicts the least recently used series. When series come back
 * faster than they stay (more series in play than the bound holds, as in a replay in publication order),
 * each return would load the whole series again; the cache watches what loading costs against what it
 * serves and, when loading costs more, stops loading for a while: it keeps serving the series it holds, and
 * the processor reads the others from the store, so it never does much more than it would without a cache.
 * (Under such a cyclic pattern least-recently-used eviction would serve nothing at all; a cache that keeps
 * what it holds serves its share of the series in play.) Series longer than the longest the cache takes
 * are never cached: their first load alone would cost too much.
 *
 * <p>A processor makes a new cache in every {@code init}: Kafka Streams initialises a task's processors
 * again after it wiped or restored the task's store, and the cache must hold only what the store holds.
 *
 * @param <S> a series as the processor keeps it
 */
public final class SeriesCache<S> {

    /** Records between two looks at what the cache costs against what it serves. */
    private static final int WINDOW = 8_192;
    /** The longest pause in loading, in records: loading is tried again at least this often. */
    private static final long MAX_FREEZE = 1L << 22;
    /** More series known to be too long than this, and the list starts again. */
    private static final int TOO_LONG_REMEMBERED = 100_000;

    private final int maxEntries;
    private final int maxSeriesEntries;
    private final ToIntFunction<S> size;
    /** Access order: the eldest entry is the least recently used series. */
    private final LinkedHashMap<String, S> series = new LinkedHashMap<>(256, 0.75f, true);
    /** Series found too long to cache, so that they are not read again to find out. */
    private final Set<String> tooLong = new HashSet<>();
    private long entries;
    private int windowRecords;
    private long windowLoaded;
    /** Records still to pass before the cache loads series again, after loading cost more than it served. */
    private long frozen;
    /** How long the next pause in loading lasts: doubled by each trial that fails again, reset by one that pays. */
    private long nextFreeze;

    /**
     * @param maxEntries how many entries the cache holds at most (0: no cache)
     * @param maxSeriesEntries the longest series it takes
     * @param size how many entries a series holds
     */
    public SeriesCache(int maxEntries, int maxSeriesEntries, ToIntFunction<S> size) {
        this.maxEntries = maxEntries;
        this.maxSeriesEntries = maxSeriesEntries;
        this.size = size;
        this.nextFreeze = Math.max(maxEntries, WINDOW);
    }

    /** The longest series the cache takes: a load that reads more should stop and call {@link #tooLong(String, int)}. */
    public int maxSeriesEntries() {
        return maxSeriesEntries;
    }

    /** Whether to use the cache for the next record (false only when it has no room); counts the record. */
    public boolean enabled() {
        if (maxEntries <= 0) {
            return false;
        }
        if (frozen > 0) {
            frozen--;
            return true;
        }
        if (++windowRecords >= WINDOW) {
            // Loading read more than two entries per record served: series come back after they were
            // evicted. Stop loading for as long as the cache would take to fill again, and twice as long
            // after each trial that fails again (a replay in publication order fails every trial).
            if (windowLoaded > 2L * windowRecords) {
                frozen = nextFreeze;
                nextFreeze = Math.min(2 * nextFreeze, MAX_FREEZE);
            } else {
                nextFreeze = Math.max(maxEntries, WINDOW);
            }
            windowRecords = 0;
            windowLoaded = 0;
        }
        return true;
    }

    /**
     * Whether a series the cache does not hold should be loaded into it now; when not, the processor reads
     * the store for this record and leaves the series out of the cache.
     */
    public boolean loading() {
        return frozen == 0;
    }

    /** The cached series, or null when it is not cached. */
    public S get(String key) {
        return series.get(key);
    }

    /** Whether {@code key} is known to be too long to cache. */
    public boolean tooLong(String key) {
        return tooLong.contains(key);
    }

    /** Remembers that {@code key} is too long to cache; counts the entries read finding out. */
    public void tooLong(String key, int entriesRead) {
        windowLoaded += entriesRead;
        if (tooLong.size() >= TOO_LONG_REMEMBERED) {
            tooLong.clear();
        }
        tooLong.add(key);
    }

    /** Adds a series just loaded from the store, having read {@code entriesRead} entries of it. */
    public void add(String key, S loaded, int entriesRead) {
        windowLoaded += entriesRead;
        series.put(key, loaded);
        entries += size.applyAsInt(loaded);
        evict(key);
    }

    /** Counts {@code added} entries the processor put into the cached series {@code key}. */
    public void grew(String key, S cached, int added) {
        entries += added;
        if (size.applyAsInt(cached) > maxSeriesEntries) {
            series.remove(key);
            entries -= size.applyAsInt(cached);
            tooLong(key, 0);
        }
        evict(key);
    }

    /** Evicts the least recently used series other than {@code keep} until the cache is within its bound. */
    private void evict(String keep) {
        Iterator<Map.Entry<String, S>> eldest = series.entrySet().iterator();
        while (entries > maxEntries && eldest.hasNext()) {
            Map.Entry<String, S> e = eldest.next();
            if (!e.getKey().equals(keep)) {
                entries -= size.applyAsInt(e.getValue());
                eldest.remove();
            }
        }
    }

    public void clear() {
        series.clear();
        tooLong.clear();
        entries = 0;
    }
}
