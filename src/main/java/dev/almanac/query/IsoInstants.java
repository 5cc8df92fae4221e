package dev.almanac.query;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Epoch milliseconds as {@link Instant#toString()} writes them ({@code 2026-01-20T02:00:00Z},
 * {@code 2026-01-20T02:00:00.250Z}), without the general formatter: every row of the latest and current
 * tables carries a publication time, and {@code Instant.toString} was a tenth of the CPU of a 100-row
 * prefix query (profile of {@code ./almanac bench queries}). Years outside 0000–9999, which ISO-8601
 * writes with a sign, are left to {@code Instant.toString}.
 */
final class IsoInstants {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in epoch millis. */
    private static final long MIN = -62_167_219_200_000L;
    private static final long END = 253_402_300_800_000L;

    private IsoInstants() {
    }

    static String format(long epochMillis) {
        if (epochMillis < MIN || epochMillis >= END) {
            return Instant.ofEpochMilli(epochMillis).toString();
        }
        long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int ms = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        int millis = ms % 1000;
        int seconds = ms / 1000;
        char[] c = new char[millis == 0 ? 20 : 24];
        digits(c, 0, date.getYear(), 4);
        c[4] = '-';
        digits(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, seconds / 3600, 2);
        c[13] = ':';
        digits(c, 14, seconds / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, seconds % 60, 2);
        if (millis != 0) {
            c[19] = '.';
            digits(c, 20, millis, 3);
        }
        c[c.length - 1] = 'Z';
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
