package dev.almanac.observation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Parses publication times. Accepts {@code YYYY-MM-DD}, {@code YYYY-MM} (the first day of the month),
 * or an ISO-8601 date-time with offset ({@code 2026-01-20T09:30:00+08:00}) or without (taken as UTC).
 * Dates without a time mean 00:00 UTC.
 */
public final class Published {

    private Published() {
    }

    /**
     * @throws IllegalArgumentException naming the text when it is none of the accepted forms
     */
    public static Instant parse(String text) {
        String s = text == null ? "" : text.trim();
        try {
            if (s.length() == 10) {
                return date(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (s.length() == 7) {
                return YearMonth.parse(s).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d{2}:?\\d{2}$")) {
                return OffsetDateTime.parse(s).toInstant();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("published '" + text + "' is not YYYY-MM-DD, YYYY-MM or an ISO-8601 date-time");
        }
    }

    /**
     * {@code YYYY-MM-DD}, the form nearly every publication date takes, read without a
     * {@code DateTimeFormatter} (a fifth of the cost of validating an observation went there); anything
     * else that is ten characters long goes to the formatter, so its errors stay the formatter's.
     */
    private static LocalDate date(String s) {
        if (s.charAt(4) == '-' && s.charAt(7) == '-') {
            int y = digits(s, 0, 4);
            int m = digits(s, 5, 7);
            int d = digits(s, 8, 10);
            if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= java.time.YearMonth.of(y, m).lengthOfMonth()) {
                return LocalDate.of(y, m, d);
            }
        }
        return LocalDate.parse(s);
    }

    /** The decimal number in {@code s[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Formats an instant compactly: a date when it is midnight UTC, otherwise the full ISO instant. */
    public static String format(long epochMillis) {
        Instant i = Instant.ofEpochMilli(epochMillis);
        LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
        return t.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) ? t.toLocalDate().toString() : i.toString();
    }
}
