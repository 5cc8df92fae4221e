package dev.almanac.query;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.observation.Period;
import java.util.List;
import org.apache.calcite.sql.type.SqlTypeName;

/** The columns of an observation row, shared by the latest and current tables. */
final class ObservationColumns {

    public static final List<Column> COLUMNS = List.of(
            new Column("indicator", SqlTypeName.VARCHAR, "indicator code (gdp, registered_llm_count)"),
            new Column("region", SqlTypeName.VARCHAR, "region code (CN, CN-BJ, CN-BJ-HD) or WORLD"),
            new Column("period", SqlTypeName.VARCHAR, "reference period (2025, 2025-Q3, asof:2025-12-31)"),
            new Column("frequency", SqlTypeName.VARCHAR, "A, Q, H, M, YTD, SPAN or STOCK"),
            new Column("value", SqlTypeName.DOUBLE, "value in base units (52073.4亿 = 5207340000000)"),
            new Column("unit", SqlTypeName.VARCHAR, "unit code (CNY, count, percent)"),
            new Column("qualifier", SqlTypeName.VARCHAR, "exact, approx, more_than, less_than, estimate"),
            new Column("published", SqlTypeName.TIMESTAMP, "the vintage: when the source published the figure (UTC)"),
            new Column("source", SqlTypeName.VARCHAR, "the document or publisher"),
            new Column("quote", SqlTypeName.VARCHAR, "the snippet of the source containing the figure"),
            new Column("note", SqlTypeName.VARCHAR, "free-text remark"),
            new Column("indicator_label", SqlTypeName.VARCHAR, "the indicator's name as the source writes it"),
            new Column("value_text", SqlTypeName.VARCHAR, "the value as written (52073.4亿) when not a plain number"),
            new Column("id", SqlTypeName.VARCHAR, "observation id"));

    /**
     * Frequency by period text: parsing a period is a regular expression, paid for every row read, while a
     * table has few distinct periods. Bounded: past the bound, periods are parsed each time.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.Optional<String>> FREQUENCIES =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED_PERIODS = 100_000;

    private ObservationColumns() {
    }

    static String frequency(String period) {
        if (period == null) {
            return null;
        }
        java.util.Optional<String> f = FREQUENCIES.get(period);
        if (f == null) {
            f = Period.tryParse(period).map(p -> p.frequency().name());
            if (FREQUENCIES.size() < MAX_CACHED_PERIODS) {
                FREQUENCIES.put(period, f);
            }
        }
        return f.orElse(null);
    }

    /** An observation as a row in {@link #COLUMNS} order. */
    public static Object[] row(IndicatorObservation o) {
        String frequency = frequency(o.getPeriod());
        return new Object[] {o.getIndicator(), o.getRegion(), o.getPeriod(), frequency, o.getValue(), o.getUnit(),
            o.getQualifier().name(), o.getPublished().toEpochMilli(), o.getSource(), o.getQuote(), o.getNote(),
            o.getIndicatorLabel(), o.getValueText(), o.getId()};
    }
}
