package dev.almanac.query;

import dev.almanac.foundation.FoundationTopology;
import java.time.Duration;
import java.time.Instant;

/**
 * Bounds of as-of queries. The versioned store answers "nothing" for times older than its history
 * retention, which would read as "not published yet": such times are refused with an error instead.
 */
public final class TimeTravel {

    private TimeTravel() {
    }

    /**
     * @throws QueryException 400 when {@code asOf} is older than now minus the history retention
     */
    public static void requireWithinRetention(long asOf) {
        requireWithinRetention(asOf, FoundationTopology.HISTORY_RETENTION, System.currentTimeMillis());
    }

    static void requireWithinRetention(long asOf, Duration retention, long now) {
        long oldest = now - retention.toMillis();
        if (asOf < oldest) {
            throw QueryException.badRequest("AS OF " + Instant.ofEpochMilli(asOf) + " is beyond the history retention of "
                    + retention.toDays() + " days: vintages published before " + Instant.ofEpochMilli(oldest)
                    + " are not kept, so the answer could be wrong");
        }
    }
}
