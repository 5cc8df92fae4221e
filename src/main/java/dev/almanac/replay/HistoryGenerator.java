package dev.almanac.replay;

import java.io.IOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a large synthetic history of observations, deterministic for a seed: series (indicator,
 * region) over a country → city → district hierarchy of made-up regions (ISO user-assigned country
 * codes such as {@code XA}, so nothing looks like a real place), each with 16 reference periods and
 * several vintages per period. Early vintages are estimates that later ones revise; some revisions
 * share the publication date of the one before (the tie rule decides); about a tenth of the lines
 * arrive late (after newer vintages of the same key); a small share of lines is bad in ways the
 * pipeline must survive. Every line says {@code synthetic} in its source.
 *
 * <p>Values are consistent with the hierarchy (a city is roughly the sum of its districts, a country
 * of its cities), grow by the region's real growth rate, and quarters follow a seasonal pattern.
 */
public final class HistoryGenerator {

    /** Reference periods per series: 8 years + 8 quarters for flows and rates, 8 year-ends + 8 mid-years for stocks. */
    public static final int PERIODS_PER_SERIES = 16;
    static final int FIRST_YEAR = 2016;
    static final int CITIES_PER_COUNTRY = 30;
    static final int DISTRICTS_PER_CITY = 12;
    static final int REGIONS_PER_COUNTRY = 1 + CITIES_PER_COUNTRY * (1 + DISTRICTS_PER_CITY);
    /** User-assigned ISO 3166 alpha-2 codes: never a real country. */
    static final String[] COUNTRIES = countries();
    static final int MAX_VINTAGES = 255;
    static final String SOURCE = "synthetic history (generated, not real figures)";

    private static final LocalDate EPOCH = LocalDate.of(2000, 1, 1);
    private static final double LATE_FRACTION = 0.10;
    private static final int REVISION_SPAN_DAYS = 540;
    /** Publications never lie in the future (the validator rejects those): later vintages are squeezed before it. */
    static final LocalDate LATEST_PUBLICATION = LocalDate.of(2026, 6, 30);
    private static final double SAME_DAY_FRACTION = 0.03;
    private static final double DUPLICATE_FRACTION = 0.002;

    private enum Kind { FLOW, RATE, STOCK }

    private record Indicator(String code, String label, String unit, Kind kind, double low, double high) {
    }

    private static final Indicator[] INDICATORS = {
        new Indicator("gdp", "地区生产总值", "CNY", Kind.FLOW, 2e10, 6e11),
        new Indicator("gdp_growth_real", "地区生产总值增长", "percent", Kind.RATE, 2, 9),
        new Indicator("retail_sales", "社会消费品零售总额", "CNY", Kind.FLOW, 1e10, 3e11),
        new Indicator("industrial_output", "规模以上工业增加值", "CNY", Kind.FLOW, 5e9, 4e11),
        new Indicator("rd_spending", "研发经费投入", "CNY", Kind.FLOW, 5e8, 4e10),
        new Indicator("registered_llm_count", "备案上线大模型", "count", Kind.STOCK, 0, 30),
        new Indicator("unicorn_count", "独角兽企业", "count", Kind.STOCK, 0, 8),
        new Indicator("resident_population", "常住人口", "count", Kind.STOCK, 2e5, 2e6),
    };

    private static final double[] SEASON = {0.91, 0.98, 1.0, 1.11};

    /**
     * @param series (indicator, region) pairs
     * @param vintages publications per reference period (1 = no revisions)
     * @param seed random seed: the same seed writes the same bytes
     * @param badFraction share of extra bad lines, 0 to 0.5
     */
    public record Spec(int series, int vintages, long seed, double badFraction) {
        public Spec {
            if (series < 1) {
                throw new IllegalArgumentException("--series must be at least 1");
            }
            if (series > maxSeries()) {
                throw new IllegalArgumentException("--series must be at most " + maxSeries());
            }
            if (vintages < 1 || vintages > MAX_VINTAGES) {
                throw new IllegalArgumentException("--vintages must be between 1 and " + MAX_VINTAGES);
            }
            if (!(badFraction >= 0 && badFraction <= 0.5)) {
                throw new IllegalArgumentException("--bad-fraction must be between 0 and 0.5");
            }
        }

        /** Observations (valid lines, duplicates aside): series × periods × vintages. */
        public long observations() {
            return (long) series * PERIODS_PER_SERIES * vintages;
        }

        public static int maxSeries() {
            return Math.min(COUNTRIES.length * REGIONS_PER_COUNTRY * INDICATORS.length, (1 << 19) - 1);
        }
    }

    /**
     * What was written.
     *
     * @param lines lines written
     * @param observations valid observation lines (each key's vintages), duplicates excluded
     * @param duplicates exact repeats of an observation line
     * @param bad bad lines (undecodable, no or unreadable published, bad region, bad value, unknown unit)
     * @param late lines written after a newer vintage of the same key
     * @param firstPublished earliest publication date
     * @param lastPublished latest publication date
     */
    public record Stats(long lines, long observations, long duplicates, long bad, long late,
                        LocalDate firstPublished, LocalDate lastPublished) {
    }

    private final Spec spec;
    private final Map<Long, Double> bases = new HashMap<>();

    public HistoryGenerator(Spec spec) {
        this.spec = spec;
    }

    /** Writes the history as JSON Lines. */
    public Stats write(Writer out) throws IOException {
        int v = spec.vintages();
        long n = spec.observations();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("at most " + (Integer.MAX_VALUE - 8) + " observations");
        }
        // One packed long per line: arrival day (16 bits) | random tie-break (16) | series (19) | period (4) | vintage (8).
        long[] order = new long[(int) n];
        int i = 0;
        long late = 0;
        int[] days = new int[v];
        int minDay = Integer.MAX_VALUE;
        int maxDay = Integer.MIN_VALUE;
        for (int s = 0; s < spec.series(); s++) {
            for (int p = 0; p < PERIODS_PER_SERIES; p++) {
                publicationDays(s, p, days);
                for (int k = 0; k < v; k++) {
                    SplittableRandom r = random(s, p, k, 1);
                    int arrival = days[k];
                    if (k < v - 1 && r.nextDouble() < LATE_FRACTION) {
                        arrival = Math.max(arrival, days[v - 1]) + 1 + r.nextInt(120);
                        late++;
                    }
                    minDay = Math.min(minDay, days[k]);
                    maxDay = Math.max(maxDay, days[k]);
                    order[i++] = ((long) arrival << 47) | ((long) r.nextInt(1 << 16) << 31) | ((long) s << 12) | ((long) p << 8) | k;
                }
            }
        }
        Arrays.sort(order);
        long lines = 0;
        long bad = 0;
        long duplicates = 0;
        StringBuilder sb = new StringBuilder(512);
        for (long position = 0; position < order.length; position++) {
            long e = order[(int) position];
            int s = (int) ((e >>> 12) & 0x7FFFF);
            int p = (int) ((e >>> 8) & 0xF);
            int k = (int) (e & 0xFF);
            sb.setLength(0);
            observation(sb, s, p, k);
            String line = sb.toString();
            out.write(line);
            out.write('\n');
            lines++;
            SplittableRandom r = new SplittableRandom(mix(spec.seed(), 0x5EED, position, 2));
            if (r.nextDouble() < DUPLICATE_FRACTION) {
                out.write(line);
                out.write('\n');
                lines++;
                duplicates++;
            }
            if (r.nextDouble() < spec.badFraction()) {
                out.write(badLine(line, bad, r));
                out.write('\n');
                lines++;
                bad++;
            }
        }
        return new Stats(lines, n, duplicates, bad, late, EPOCH.plusDays(minDay), EPOCH.plusDays(maxDay));
    }

    /** The publication days (since 2000-01-01) of every vintage of one key. */
    private void publicationDays(int s, int p, int[] days) {
        int v = days.length;
        LocalDate end = periodEnd(indicator(s), p);
        SplittableRandom r = random(s, p, 0, 0);
        Kind kind = indicator(s).kind();
        int first = switch (kind) {
            case FLOW, RATE -> p < 8 ? -25 + r.nextInt(65) : 10 + r.nextInt(25);
            case STOCK -> 5 + r.nextInt(55);
        };
        int day = (int) ChronoUnit.DAYS.between(EPOCH, end) + first;
        // Revisions spread over about REVISION_SPAN_DAYS whatever the number of vintages.
        double meanGap = (double) REVISION_SPAN_DAYS / Math.max(1, v - 1);
        for (int k = 0; k < v; k++) {
            if (k > 0) {
                day += r.nextDouble() < SAME_DAY_FRACTION ? 0 : Math.max(1, (int) Math.round(meanGap * r.nextDouble(0.5, 1.5)));
            }
            days[k] = day;
        }
        int cap = (int) ChronoUnit.DAYS.between(EPOCH, LATEST_PUBLICATION);
        for (int k = v - 1; k >= 0; k--) {
            int latest = k == v - 1 ? cap : days[k + 1];
            days[k] = Math.min(days[k], latest);
        }
    }

    private void observation(StringBuilder sb, int s, int p, int k) {
        Indicator ind = indicator(s);
        String region = region(s / INDICATORS.length);
        int[] days = new int[spec.vintages()];
        publicationDays(s, p, days);
        SplittableRandom r = random(s, p, k, 3);
        double truth = truth(s, p);
        int last = spec.vintages() - 1;
        double error = last == 0 ? 0 : r.nextGaussian() * 0.03 * (last - k) / last;
        double value = truth * (1 + error);
        String qualifier = k == 0 && last > 0 ? "estimate" : "exact";
        LocalDate published = EPOCH.plusDays(days[k]);
        // A same-day revision repeats the previous publication time exactly, so the id decides between them.
        int runStart = k;
        while (runStart > 0 && days[runStart - 1] == days[k]) {
            runStart--;
        }
        SplittableRandom timing = random(s, p, runStart, 4);
        boolean withTime = runStart > 0 && timing.nextInt(5) == 0;
        sb.append("{\"id\": \"h").append(s).append('-').append(p).append('-').append(String.format("v%03d", k)).append('"');
        sb.append(", \"indicator\": \"").append(ind.code()).append('"');
        sb.append(", \"indicator_label\": \"").append(ind.label()).append('"');
        sb.append(", \"region\": \"").append(region).append('"');
        sb.append(", \"period\": \"").append(period(ind, p)).append('"');
        sb.append(", \"value\": ");
        switch (ind.kind()) {
            case RATE -> sb.append(String.format(Locale.ROOT, "%.1f", value));
            case STOCK -> sb.append(Math.max(0, Math.round(value)));
            case FLOW -> {
                long tenthsOfYi = Math.max(1, Math.round(value / 1e7));
                if (r.nextInt(10) < 4) {
                    sb.append('"').append(tenthsOfYi / 10).append('.').append(tenthsOfYi % 10).append("亿\"");
                } else {
                    sb.append(tenthsOfYi * 10_000_000L);
                }
            }
        }
        sb.append(", \"unit\": \"").append(ind.unit()).append('"');
        sb.append(", \"qualifier\": \"").append(qualifier).append('"');
        sb.append(", \"published\": \"").append(published);
        if (withTime) {
            sb.append(String.format("T%02d:%02d:00+08:00", 9 + timing.nextInt(9), timing.nextInt(4) * 15));
        }
        sb.append('"');
        sb.append(", \"source\": \"").append(SOURCE).append('"');
        sb.append(", \"note\": ").append(k == 0 ? "null" : "\"revision " + k + "\"").append('}');
    }

    private static String badLine(String good, long n, SplittableRandom r) {
        String id = "\"id\": \"bad-" + n + "\"";
        String line = good.replaceFirst("\"id\": \"[^\"]*\"", id);
        return switch (r.nextInt(6)) {
            case 0 -> line.substring(0, line.length() / 2);
            case 1 -> line.replaceFirst(", \"published\": \"[^\"]*\"", "");
            case 2 -> line.replaceFirst("\"published\": \"[^\"]*\"", "\"published\": \"2023-13-45\"");
            case 3 -> line.replaceFirst("\"region\": \"([^\"]*)\"", "\"region\": \"x-" + n + "\"");
            case 4 -> line.replaceFirst("\"value\": (\"[^\"]*\"|[-0-9.]+)", "\"value\": \"n/a\"");
            default -> line.replaceFirst("\"unit\": \"[^\"]*\"", "\"unit\": \"furlongs\"");
        };
    }

    private Indicator indicator(int s) {
        return INDICATORS[s % INDICATORS.length];
    }

    private static String period(Indicator ind, int p) {
        int year = FIRST_YEAR + (p % 8);
        if (ind.kind() == Kind.STOCK) {
            return p < 8 ? "asof:" + year + "-12-31" : "asof:" + year + "-06-30";
        }
        if (p < 8) {
            return Integer.toString(year);
        }
        int q = p - 8;
        return (FIRST_YEAR + 6 + q / 4) + "-Q" + (q % 4 + 1);
    }

    private static LocalDate periodEnd(Indicator ind, int p) {
        int year = FIRST_YEAR + (p % 8);
        if (ind.kind() == Kind.STOCK) {
            return p < 8 ? LocalDate.of(year, 12, 31) : LocalDate.of(year, 6, 30);
        }
        if (p < 8) {
            return LocalDate.of(year, 12, 31);
        }
        int q = p - 8;
        return LocalDate.of(FIRST_YEAR + 6 + q / 4, (q % 4 + 1) * 3, 1).plusMonths(1).minusDays(1);
    }

    /** The final (true) value of series {@code s} for period {@code p}. */
    private double truth(int s, int p) {
        Indicator ind = indicator(s);
        int region = s / INDICATORS.length;
        int indicatorIndex = s % INDICATORS.length;
        double growth = base(region, 1);
        if (ind.kind() == Kind.RATE) {
            int year = p < 8 ? FIRST_YEAR + p : FIRST_YEAR + 6 + (p - 8) / 4;
            return growth + yearNoise(region, year) + (p < 8 ? 0 : new SplittableRandom(mix(spec.seed(), region, p, 7)).nextDouble(-0.6, 0.6));
        }
        double base = base(region, indicatorIndex);
        if (ind.kind() == Kind.STOCK) {
            int year = FIRST_YEAR + (p % 8);
            double years = year - FIRST_YEAR + (p < 8 ? 1.0 : 0.5);
            double yearly = ind.code().equals("resident_population") ? 0.004 : 0.18;
            return base * Math.pow(1 + yearly, years);
        }
        if (p < 8) {
            return annual(base, region, FIRST_YEAR + p);
        }
        int q = p - 8;
        int year = FIRST_YEAR + 6 + q / 4;
        return annual(base, region, year) / 4 * SEASON[q % 4];
    }

    private double annual(double base, int region, int year) {
        double v = base;
        for (int y = FIRST_YEAR + 1; y <= year; y++) {
            v *= 1 + (base(region, 1) + yearNoise(region, y)) / 100;
        }
        return v;
    }

    private double yearNoise(int region, int year) {
        return new SplittableRandom(mix(spec.seed(), region, year, 5)).nextDouble(-1.5, 1.5);
    }

    /**
     * The 2016 level of an indicator in a region (for the growth-rate indicator: the average growth,
     * in percent): drawn for districts, summed (flows, counts) or averaged (rates) up the hierarchy.
     */
    private double base(int region, int indicatorIndex) {
        long cacheKey = (long) region * INDICATORS.length + indicatorIndex;
        Double cached = bases.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        Indicator ind = INDICATORS[indicatorIndex];
        int[] children = children(region);
        double value;
        if (children.length == 0) {
            value = new SplittableRandom(mix(spec.seed(), region, indicatorIndex, 11)).nextDouble(ind.low(), ind.high());
        } else {
            double sum = 0;
            for (int c : children) {
                sum += base(c, indicatorIndex);
            }
            value = ind.kind() == Kind.RATE ? sum / children.length
                    : sum * (1 + new SplittableRandom(mix(spec.seed(), region, indicatorIndex, 13)).nextDouble(0, 0.06));
        }
        bases.put(cacheKey, value);
        return value;
    }

    /** The code of region number {@code r}: per country, the country, then each city followed by its districts. */
    static String region(int r) {
        String country = COUNTRIES[r / REGIONS_PER_COUNTRY];
        int o = r % REGIONS_PER_COUNTRY;
        if (o == 0) {
            return country;
        }
        int city = (o - 1) / (1 + DISTRICTS_PER_CITY);
        int d = (o - 1) % (1 + DISTRICTS_PER_CITY);
        String cityCode = String.format("%s-C%02d", country, city + 1);
        return d == 0 ? cityCode : String.format("%s-D%02d", cityCode, d);
    }

    private static int[] children(int r) {
        int countryStart = r / REGIONS_PER_COUNTRY * REGIONS_PER_COUNTRY;
        int o = r % REGIONS_PER_COUNTRY;
        if (o == 0) {
            int[] cities = new int[CITIES_PER_COUNTRY];
            for (int c = 0; c < CITIES_PER_COUNTRY; c++) {
                cities[c] = countryStart + 1 + c * (1 + DISTRICTS_PER_CITY);
            }
            return cities;
        }
        if ((o - 1) % (1 + DISTRICTS_PER_CITY) == 0) {
            int[] districts = new int[DISTRICTS_PER_CITY];
            for (int d = 0; d < DISTRICTS_PER_CITY; d++) {
                districts[d] = r + 1 + d;
            }
            return districts;
        }
        return new int[0];
    }

    private static String[] countries() {
        String[] codes = new String[42];
        int i = 0;
        for (char c = 'A'; c <= 'Z'; c++) {
            codes[i++] = "X" + c;
        }
        for (char c = 'M'; c <= 'Z'; c++) {
            codes[i++] = "Q" + c;
        }
        codes[i++] = "AA";
        codes[i] = "ZZ";
        return codes;
    }

    private SplittableRandom random(int s, int p, int k, int purpose) {
        return new SplittableRandom(mix(spec.seed(), s, ((long) p << 8) | k, purpose));
    }

    private static long mix(long seed, long a, long b, long c) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h ^ (a * 0xC2B2AE3D27D4EB4FL), 31) * 0x165667B19E3779F9L;
        h = Long.rotateLeft(h ^ (b * 0x85EBCA77C2B2AE63L), 27) * 0x9E3779B97F4A7C15L;
        h ^= c * 0x27D4EB2F165667C5L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }
}
