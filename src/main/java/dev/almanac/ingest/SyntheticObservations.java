package dev.almanac.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A deterministic stream of synthetic, valid observation JSON lines for benchmarks: several
 * indicators over a district → city → country hierarchy, annual and quarterly periods, and several
 * vintages per period (revisions), published in an order that is not chronological. Clearly marked
 * synthetic in {@code source}.
 *
 * <p>Values behave like statistics: each series has its own level and grows about 2 % a year, a quarter
 * (month) holds about a quarter (twelfth) of its year, and vintages of a period differ by revisions of at
 * most ±0.4 %. One value in a hundred is off by a factor of ten, as a unit slip would be, so the conflicts
 * table has real findings to report. (Values drawn uniformly between 10^8 and 10^12 would make nearly every
 * pair of vintages a conflict and every pair of periods a jump: no publisher's data looks like that.)
 */
public final class SyntheticObservations implements Iterator<String> {

    private static final String[] INDICATORS = {"gdp", "rd_spending", "registered_llm_count", "unicorn_count",
        "industrial_output", "retail_sales", "fixed_asset_investment", "patent_grants"};
    private static final String[] UNITS = {"CNY", "CNY", "count", "count", "CNY", "CNY", "CNY", "count"};

    /** Synthetic publications never lie in the future (the validator rejects those). */
    private static final LocalDate LATEST_PUBLICATION = LocalDate.of(2026, 6, 30);

    private final ObjectMapper mapper = new ObjectMapper();
    private final SplittableRandom random;
    private final long count;
    private final int regions;
    /** 0: the default shape (random series, periods and vintages); otherwise that many long series. */
    private final int longSeries;
    private long produced;

    /**
     * @param count how many lines
     * @param regions how many district-level regions (spread over cities of 10 districts)
     * @param seed random seed: the same seed gives the same lines
     */
    public SyntheticObservations(long count, int regions, long seed) {
        this(count, regions, seed, 0);
    }

    private SyntheticObservations(long count, int regions, long seed, int longSeries) {
        this.count = count;
        this.regions = Math.max(1, regions);
        this.random = new SplittableRandom(seed);
        this.longSeries = longSeries;
    }

    /**
     * Few long series instead of many short ones: {@code series} monthly series (indicator × district)
     * sharing {@code count} lines, each month published in {@link #LONG_SERIES_VINTAGES} vintages, series
     * interleaved. With 200 series and 200,000 lines each series holds 1,000 observations over 250
     * months: the shape that shows whether a per-record cost grows with a series' history.
     */
    public static SyntheticObservations longSeries(long count, int series, long seed) {
        return new SyntheticObservations(count, Math.max(1, (series + INDICATORS.length - 1) / INDICATORS.length), seed, Math.max(1, series));
    }

    /** Vintages of each month in {@link #longSeries}. */
    static final int LONG_SERIES_VINTAGES = 4;

    /** The region hierarchy the synthetic observations use: country SY, cities SY-Cnnn, districts SY-Cnnn-Dnnn. */
    public static java.util.List<dev.almanac.avro.Region> regions(int districts) {
        java.util.List<dev.almanac.avro.Region> out = new java.util.ArrayList<>();
        out.add(new dev.almanac.avro.Region("SY", "WORLD", "Synthetia (synthetic)", "合成国", "country"));
        for (int c = 0; c <= (Math.max(1, districts) - 1) / 10; c++) {
            String city = String.format("SY-C%03d", c);
            out.add(new dev.almanac.avro.Region(city, "SY", "Synthetic city " + c, "合成市" + c, "city"));
        }
        for (int d = 0; d < Math.max(1, districts); d++) {
            out.add(new dev.almanac.avro.Region(String.format("SY-C%03d-D%03d", d / 10, d % 10),
                    String.format("SY-C%03d", d / 10), "Synthetic district " + d, "合成区" + d, "district"));
        }
        return out;
    }

    @Override
    public boolean hasNext() {
        return produced < count;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long n = produced++;
        if (longSeries > 0) {
            return longSeriesLine(n);
        }
        int i = random.nextInt(INDICATORS.length);
        int district = random.nextInt(regions);
        String region = String.format("SY-C%03d-D%03d", district / 10, district % 10);
        int year = 2000 + random.nextInt(26);
        boolean quarterly = random.nextBoolean();
        String period = quarterly ? year + "-Q" + (1 + random.nextInt(4)) : Integer.toString(year);
        LocalDate published = LocalDate.of(year + 1, 1, 15).plusDays(random.nextInt(700));
        if (!published.isBefore(LATEST_PUBLICATION)) {
            published = LATEST_PUBLICATION.minusDays(random.nextInt(300));
        }
        return line(n, i, region, period, published);
    }

    private String longSeriesLine(long n) {
        int s = (int) (n % longSeries);
        long k = n / longSeries;
        int i = s % INDICATORS.length;
        int district = s / INDICATORS.length;
        String region = String.format("SY-C%03d-D%03d", district / 10, district % 10);
        int month = (int) (k / LONG_SERIES_VINTAGES);
        int vintage = (int) (k % LONG_SERIES_VINTAGES);
        LocalDate start = LocalDate.of(1980, 1, 1).plusMonths(month);
        String period = String.format("%04d-%02d", start.getYear(), start.getMonthValue());
        LocalDate published = start.plusMonths(1).plusDays(14 + 90L * vintage + random.nextInt(10));
        if (!published.isBefore(LATEST_PUBLICATION)) {
            published = LATEST_PUBLICATION.minusDays(LONG_SERIES_VINTAGES - vintage);
        }
        return line(n, i, region, period, published);
    }

    /** A plausible value of indicator {@code i} for {@code region} and {@code period} (see the class comment). */
    private long value(int i, String region, String period) {
        boolean count = UNITS[i].equals("count");
        // The series' level: a fixed function of the series, between 1 and 100 times the indicator's scale.
        double level = (count ? 100 : 1e9) * (1 + 99 * (((region.hashCode() * 31L + i) * 0x9E3779B97F4A7C15L >>> 40) / (double) (1L << 24)));
        int year = Integer.parseInt(period.substring(0, 4));
        double share = 1;
        double within = 0;
        if (period.length() > 4 && period.charAt(5) == 'Q') {
            share = 0.25;
            within = (period.charAt(6) - '1') / 4.0;
        } else if (period.length() > 4) {
            share = 1 / 12.0;
            within = (Integer.parseInt(period.substring(5, 7)) - 1) / 12.0;
        }
        double v = level * Math.pow(1.02, year - 2000 + within) * share * (1 + random.nextDouble(-0.004, 0.004));
        if (random.nextInt(100) == 0) {
            v *= 10;
        }
        return Math.max(1, Math.round(v));
    }

    private String line(long n, int i, String region, String period, LocalDate published) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", "syn-" + n);
        o.put("indicator", INDICATORS[i]);
        o.put("region", region);
        o.put("period", period);
        o.put("value", value(i, region, period));
        o.put("unit", UNITS[i]);
        o.put("qualifier", random.nextInt(10) == 0 ? "estimate" : "exact");
        o.put("published", published.toString());
        o.put("source", "synthetic benchmark data (not real figures)");
        return o.toString();
    }
}
