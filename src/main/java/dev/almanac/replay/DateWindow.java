package dev.almanac.replay;

import dev.almanac.observation.Published;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * An inclusive range of publication times. Dates are whole days in UTC: {@code --from 2025-06-01}
 * starts at 2025-06-01T00:00:00Z and {@code --to 2025-06-30} ends at 2025-06-30T23:59:59.999Z; a month
 * ({@code 2025-06}) is the whole month; an ISO-8601 date-time is that instant.
 *
 * @param from first publication time included, if bounded
 * @param to last publication time included, if bounded
 */
public record DateWindow(Optional<Instant> from, Optional<Instant> to) {

    /** No bounds. */
    public static final DateWindow ALL = new DateWindow(Optional.empty(), Optional.empty());

    public DateWindow {
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new IllegalArgumentException("the window starts (" + from.get() + ") after it ends (" + to.get() + ")");
        }
    }

    /** Parses optional {@code --from}/{@code --to} texts. */
    public static DateWindow of(String from, String to) {
        return new DateWindow(Optional.ofNullable(from).map(DateWindow::startOf), Optional.ofNullable(to).map(DateWindow::endOf));
    }

    public boolean contains(long publishedMillis) {
        return (from.isEmpty() || publishedMillis >= from.get().toEpochMilli())
                && (to.isEmpty() || publishedMillis <= to.get().toEpochMilli());
    }

    public boolean bounded() {
        return from.isPresent() || to.isPresent();
    }

    /** The first instant a date, month or date-time text covers. */
    static Instant startOf(String text) {
        return Published.parse(text);
    }

    /** The last millisecond a date or month text covers (UTC), or the instant a date-time text names. */
    public static Instant endOf(String text) {
        String s = text == null ? "" : text.trim();
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1);
            }
            if (s.length() == 7) {
                return YearMonth.parse(s).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1);
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not YYYY-MM-DD, YYYY-MM or an ISO-8601 date-time");
        }
        return Published.parse(s);
    }
}
