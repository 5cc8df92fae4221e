package dev.almanac.replay;

/**
 * How fast a replay sends: as fast as possible, at a fixed rate, or compressing the gaps between
 * publication times by a factor (then in order of publication). Each is a pure schedule: when, in
 * nanoseconds after the start, the record with a given index and publication time is due.
 */
public sealed interface Pacing {

    /**
     * @param index position of the record among those sent (0-based)
     * @param publishedMillis the record's publication time
     * @param firstPublishedMillis the publication time of the first record sent
     * @return nanoseconds after the start at which the record is due (0 = immediately)
     */
    long dueNanos(long index, long publishedMillis, long firstPublishedMillis);

    /** Whether records are sent in order of publication (which means reading the whole history first). */
    default boolean ordersByPublished() {
        return false;
    }

    /** A finite number above zero (NaN and infinity are neither), or {@code message} as the argument's error. */
    private static void requirePositive(double value, String message) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(message);
        }
    }

    /** As fast as the producer goes. */
    record Max() implements Pacing {
        @Override
        public long dueNanos(long index, long publishedMillis, long firstPublishedMillis) {
            return 0;
        }

        @Override
        public String toString() {
            return "as fast as possible";
        }
    }

    /** A fixed number of records per second, in file order. */
    record Rate(double perSecond) implements Pacing {
        public Rate {
            requirePositive(perSecond, "the rate must be a positive number of records per second");
        }

        @Override
        public long dueNanos(long index, long publishedMillis, long firstPublishedMillis) {
            return (long) (index * 1e9 / perSecond);
        }

        @Override
        public String toString() {
            return String.format("%,.0f records/s", perSecond);
        }

        /** Parses {@code --rate} text: {@code 500}, {@code 500/s} or {@code 2k/s}. */
        public static Rate parse(String text) {
            String s = text.trim().toLowerCase(java.util.Locale.ROOT);
            if (s.endsWith("/s")) {
                s = s.substring(0, s.length() - 2);
            }
            double multiplier = 1;
            if (s.endsWith("k")) {
                multiplier = 1e3;
                s = s.substring(0, s.length() - 1);
            } else if (s.endsWith("m")) {
                multiplier = 1e6;
                s = s.substring(0, s.length() - 1);
            }
            try {
                return new Rate(Double.parseDouble(s) * multiplier);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rate '" + text + "' is not N/s (e.g. 500/s or 2k/s)");
            }
        }
    }

    /** Publication-time gaps divided by {@code factor}, in order of publication: 86400 makes a day last a second. */
    record Speedup(double factor) implements Pacing {
        public Speedup {
            requirePositive(factor, "the speedup must be a positive number");
        }

        @Override
        public long dueNanos(long index, long publishedMillis, long firstPublishedMillis) {
            double nanos = Math.max(0, publishedMillis - firstPublishedMillis) * 1e6 / factor;
            return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
        }

        @Override
        public boolean ordersByPublished() {
            return true;
        }

        @Override
        public String toString() {
            return String.format("%,.0f times faster than publication time (1 s = %s)", factor,
                    factor >= 86_400 ? String.format("%,.1f days", factor / 86_400) : String.format("%,.0f s", factor));
        }
    }
}
