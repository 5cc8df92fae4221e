package dev.almanac.observation;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A typed reference period: the time a figure describes, as opposed to when it was published.
 *
 * <p>Grammar (anything else is rejected): {@code 2025} (year), {@code 2025-Q3}, {@code 2025-H1},
 * {@code 2025-11} (month), {@code 2025-Q1..Q3} and {@code 2025-01..11} (cumulative from January),
 * {@code 2021..2025} (several years), {@code asof:2025-12-31} or {@code asof:2025-12} (a stock at a
 * point in time; a month means its last day).
 *
 * @param text canonical text, the form used in keys
 * @param frequency the kind of period
 * @param start first day covered (for a stock, the day measured)
 * @param end last day covered, inclusive (for a stock, the day measured)
 */
public record Period(String text, Frequency frequency, LocalDate start, LocalDate end) implements Comparable<Period> {

    private static final Pattern YEAR = Pattern.compile("(\\d{4})");
    private static final Pattern QUARTER = Pattern.compile("(\\d{4})-Q([1-4])");
    private static final Pattern HALF = Pattern.compile("(\\d{4})-H([12])");
    private static final Pattern MONTH = Pattern.compile("(\\d{4})-(\\d{2})");
    private static final Pattern YTD_QUARTERS = Pattern.compile("(\\d{4})-Q1\\.\\.Q([1-4])");
    private static final Pattern YTD_MONTHS = Pattern.compile("(\\d{4})-01\\.\\.(\\d{2})");
    private static final Pattern SPAN = Pattern.compile("(\\d{4})\\.\\.(\\d{4})");
    private static final Pattern STOCK_DAY = Pattern.compile("asof:(\\d{4})-(\\d{2})-(\\d{2})");
    private static final Pattern STOCK_MONTH = Pattern.compile("asof:(\\d{4})-(\\d{2})");

    /** Orders periods by end date, then start date (of two periods ending together the shorter one is newer), then text. */
    static final Comparator<Period> NEWEST_LAST =
            Comparator.comparing(Period::end).thenComparing(Period::start).thenComparing(Period::text);

    /**
     * Parses a period, throwing on anything outside the grammar.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Period parse(String raw) {
        return tryParse(raw).orElseThrow(() -> new IllegalArgumentException(
                "period '" + raw + "' is not one of 2025, 2025-Q3, 2025-H1, 2025-11, 2025-Q1..Q3, 2025-01..11, 2021..2025, asof:2025-12-31, asof:2025-12"));
    }

    /**
     * Parsed periods by text. The stream processors parse the period of every record, often twice, and
     * a data set has few distinct periods (years × frequencies), while the regular expressions cost a
     * few percent of a stream thread's time. Emptied when it grows past {@link #CACHE_LIMIT}, so that
     * garbage input cannot grow it without bound.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, Optional<Period>> CACHE = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 10_000;

    /** Parses a period, or empty when the text is outside the grammar or names an impossible date. */
    public static Optional<Period> tryParse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        Optional<Period> known = CACHE.get(raw);
        if (known != null) {
            return known;
        }
        Optional<Period> parsed = parseText(raw);
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(raw, parsed);
        return parsed;
    }

    private static Optional<Period> parseText(String raw) {
        String s = raw.trim();
        try {
            Matcher m;
            if ((m = YEAR.matcher(s)).matches()) {
                int y = year(m.group(1));
                return Optional.of(new Period(s, Frequency.A, LocalDate.of(y, 1, 1), LocalDate.of(y, 12, 31)));
            }
            if ((m = QUARTER.matcher(s)).matches()) {
                int y = year(m.group(1));
                int q = Integer.parseInt(m.group(2));
                LocalDate start = LocalDate.of(y, 3 * q - 2, 1);
                return Optional.of(new Period(s, Frequency.Q, start, start.plusMonths(3).minusDays(1)));
            }
            if ((m = HALF.matcher(s)).matches()) {
                int y = year(m.group(1));
                int h = Integer.parseInt(m.group(2));
                LocalDate start = LocalDate.of(y, h == 1 ? 1 : 7, 1);
                return Optional.of(new Period(s, Frequency.H, start, start.plusMonths(6).minusDays(1)));
            }
            if ((m = YTD_QUARTERS.matcher(s)).matches()) {
                int y = year(m.group(1));
                int q = Integer.parseInt(m.group(2));
                return Optional.of(new Period(s, Frequency.YTD, LocalDate.of(y, 1, 1),
                        YearMonth.of(y, 3 * q).atEndOfMonth()));
            }
            if ((m = YTD_MONTHS.matcher(s)).matches()) {
                int y = year(m.group(1));
                int month = Integer.parseInt(m.group(2));
                if (month < 1 || month > 12) {
                    return Optional.empty();
                }
                return Optional.of(new Period(s, Frequency.YTD, LocalDate.of(y, 1, 1), YearMonth.of(y, month).atEndOfMonth()));
            }
            if ((m = MONTH.matcher(s)).matches()) {
                YearMonth ym = YearMonth.of(year(m.group(1)), Integer.parseInt(m.group(2)));
                return Optional.of(new Period(s, Frequency.M, ym.atDay(1), ym.atEndOfMonth()));
            }
            if ((m = SPAN.matcher(s)).matches()) {
                int from = year(m.group(1));
                int to = year(m.group(2));
                if (to <= from) {
                    return Optional.empty();
                }
                return Optional.of(new Period(s, Frequency.SPAN, LocalDate.of(from, 1, 1), LocalDate.of(to, 12, 31)));
            }
            if ((m = STOCK_DAY.matcher(s)).matches()) {
                LocalDate d = LocalDate.of(year(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
                return Optional.of(new Period(s, Frequency.STOCK, d, d));
            }
            if ((m = STOCK_MONTH.matcher(s)).matches()) {
                LocalDate d = YearMonth.of(year(m.group(1)), Integer.parseInt(m.group(2))).atEndOfMonth();
                return Optional.of(new Period(s, Frequency.STOCK, d, d));
            }
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static int year(String digits) {
        int y = Integer.parseInt(digits);
        if (y < 1000) {
            throw new java.time.DateTimeException("year out of range");
        }
        return y;
    }

    /**
     * The same kind of period one year earlier ({@code 2025-Q1..Q3} gives {@code 2024-Q1..Q3}), for
     * year-over-year comparisons.
     */
    public Period previousYear() {
        String shifted = switch (frequency) {
            case SPAN -> (start.getYear() - 1) + ".." + (end.getYear() - 1);
            case STOCK -> text.length() == "asof:2025-12".length()
                    ? "asof:" + YearMonth.from(start).minusYears(1)
                    : "asof:" + start.minusYears(1);
            default -> (start.getYear() - 1) + text.substring(4);
        };
        return parse(shifted);
    }

    @Override
    public int compareTo(Period other) {
        return NEWEST_LAST.compare(this, other);
    }

    @Override
    public String toString() {
        return text;
    }
}
