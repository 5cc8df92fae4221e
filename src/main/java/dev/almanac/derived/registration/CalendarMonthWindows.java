package dev.almanac.derived.registration;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.streams.kstream.Windows;
import org.apache.kafka.streams.kstream.internals.TimeWindow;

/**
 * Tumbling windows of one calendar month (UTC), for counting by registration month. Months differ in
 * length, so {@link #size()} is the longest (31 days): Kafka Streams uses it only to size store
 * retention; each window's real end is the first instant of the next month.
 */
final class CalendarMonthWindows extends Windows<TimeWindow> {

    private static final long MAX_MONTH_MS = Duration.ofDays(31).toMillis();
    private final long graceMs;

    public CalendarMonthWindows(Duration grace) {
        this.graceMs = grace.toMillis();
    }

    /** The first instant of the month containing {@code timestamp}. */
    public static long monthStart(long timestamp) {
        YearMonth m = month(timestamp);
        return m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** The first instant of the month after the one containing {@code timestamp}. */
    public static long monthEnd(long timestamp) {
        return month(timestamp).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    public static YearMonth month(long timestamp) {
        return YearMonth.from(Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC));
    }

    @Override
    public Map<Long, TimeWindow> windowsFor(long timestamp) {
        long start = monthStart(timestamp);
        return Map.of(start, new TimeWindow(start, monthEnd(timestamp)));
    }

    @Override
    public long size() {
        return MAX_MONTH_MS;
    }

    @Override
    public long gracePeriodMs() {
        return graceMs;
    }
}
