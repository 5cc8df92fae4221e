package dev.almanac.derived.registration;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.observation.Frequency;
import dev.almanac.observation.Period;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A synthetic, clearly labelled stream of model registrations for demos and benchmarks. Deterministic
 * for a seed. The anchored region (Beijing by default) gets exactly as many registrations up to each
 * anchor date as the reported totals say (132 by 2025-06-23, 183 by 2025-12-08, 209 by 2025-12-31 in
 * the bundled data), spread over its districts; the rest go to other Chinese cities over the same span.
 * Each registration is published 0–30 days after its registration date, and the stream is ordered by
 * publication, so registration dates arrive up to 30 days out of order.
 */
public final class RegistrationGenerator {

    /** China's generative-AI filing regime started with the first approvals at the end of August 2023. */
    public static final LocalDate DEFAULT_START = LocalDate.of(2023, 8, 31);
    static final int MAX_PUBLICATION_LAG_DAYS = 30;

    private static final String[] MODEL_HEADS = {"Zhi", "Tian", "Yun", "Xing", "Hai", "Pan", "Qi", "Ling", "Jing", "Hua", "Chuang", "Wen"};
    private static final String[] MODEL_TAILS = {"GPT", "LM", "Mind", "Brain", "Chat", "Sage", "Core", "Vision", "Coder", "Agent"};
    private static final String[] ORG_WORDS = {"Zhiyuan", "Yunqi", "Xinghe", "Tianshu", "Hongtu", "Lingxi", "Shenlan", "Qiming", "Jiuzhang", "Kaiwu"};

    private RegistrationGenerator() {
    }

    /** A reported total of the anchored region at a date. */
    public record Anchor(LocalDate date, long total) {
    }

    /**
     * What to generate.
     *
     * @param count distinct registrations in all (at least the last anchor's total)
     * @param seed random seed
     * @param anchors reported totals of the anchored region, oldest first
     * @param anchoredRegions where the anchored region's registrations go, with weights
     * @param otherRegions where the others go, with weights
     * @param start the first registration date
     * @param duplicateRate the share of registrations sent a second time (same id, later publication)
     */
    public record Spec(int count, long seed, List<Anchor> anchors, Map<String, Double> anchoredRegions,
                       Map<String, Double> otherRegions, LocalDate start, double duplicateRate) {
        public Spec {
            anchors = List.copyOf(anchors);
            anchoredRegions = new LinkedHashMap<>(anchoredRegions);
            otherRegions = new LinkedHashMap<>(otherRegions);
        }
    }

    /** Beijing's registrations by district: Haidian hosts most AI firms; some filings give no district. */
    static final Map<String, Double> BEIJING = orderedMap(
            "CN-BJ-HD", 0.55, "CN-BJ", 0.22, "CN-BJ-YZ", 0.15, "CN-BJ-ZGCSC", 0.05, "CN-BJ-HR", 0.03);
    /** Other cities, weighted roughly by their AI industry. */
    public static final Map<String, Double> OTHER_CITIES = orderedMap(
            "CN-SH", 0.22, "CN-SH-PD", 0.08, "CN-GD-SZ", 0.2, "CN-ZJ-HZ", 0.18, "CN-GD-GZ", 0.14, "CN-TJ", 0.06,
            "CN-SD-QD", 0.04, "CN", 0.08);

    /** The defaults for the bundled data: Beijing anchored to {@code anchors}. */
    public static Spec beijing(int count, long seed, List<Anchor> anchors) {
        return new Spec(count, seed, anchors, BEIJING, OTHER_CITIES, DEFAULT_START, 0.0);
    }

    /**
     * The anchor totals of a region: its {@code indicator} observations with as-of periods, the latest
     * vintage per date.
     */
    public static List<Anchor> anchors(List<IndicatorObservation> observations, String indicator, String region) {
        Map<LocalDate, IndicatorObservation> byDate = new TreeMap<>();
        for (IndicatorObservation o : observations) {
            if (!o.getIndicator().equals(indicator) || !o.getRegion().equals(region)) {
                continue;
            }
            Period p = Period.tryParse(o.getPeriod()).orElse(null);
            if (p == null || p.frequency() != Frequency.STOCK) {
                continue;
            }
            byDate.merge(p.end(), o, (a, b) -> b.getPublished().isAfter(a.getPublished()) ? b : a);
        }
        return byDate.entrySet().stream().map(e -> new Anchor(e.getKey(), Math.round(e.getValue().getValue()))).toList();
    }

    /**
     * The stream, ordered by publication time.
     *
     * @throws IllegalArgumentException when the anchors decrease or {@code count} is below the last anchor
     */
    public static List<ModelRegistration> generate(Spec spec) {
        long anchored = spec.anchors().isEmpty() ? 0 : spec.anchors().get(spec.anchors().size() - 1).total();
        if (spec.count() < anchored) {
            throw new IllegalArgumentException("count " + spec.count() + " is below the reported total " + anchored
                    + " it must match; use at least " + anchored);
        }
        LocalDate end = spec.anchors().isEmpty() ? spec.start().plusYears(2) : spec.anchors().get(spec.anchors().size() - 1).date();
        if (!end.isAfter(spec.start())) {
            throw new IllegalArgumentException("the first reported date " + end + " is not after the start " + spec.start());
        }
        Random random = new Random(spec.seed());
        String source = "synthetic: almanac generate registrations --count " + spec.count() + " --seed " + spec.seed();
        List<ModelRegistration> out = new ArrayList<>();
        int[] sequence = {0};
        LocalDate from = spec.start();
        long before = 0;
        for (Anchor a : spec.anchors()) {
            if (a.total() < before) {
                throw new IllegalArgumentException("reported totals decrease: " + before + " then " + a.total() + " on " + a.date());
            }
            if (a.date().isBefore(from)) {
                throw new IllegalArgumentException("reported date " + a.date() + " is before the start " + spec.start());
            }
            for (long i = before; i < a.total(); i++) {
                out.add(registration(random, pick(random, spec.anchoredRegions()), between(random, from, a.date()), ++sequence[0], source));
            }
            before = a.total();
            from = a.date().plusDays(1);
        }
        for (long i = anchored; i < spec.count(); i++) {
            out.add(registration(random, pick(random, spec.otherRegions()), between(random, spec.start(), end), ++sequence[0], source));
        }
        List<ModelRegistration> duplicates = new ArrayList<>();
        for (ModelRegistration r : out) {
            if (random.nextDouble() < spec.duplicateRate()) {
                ModelRegistration again = ModelRegistration.newBuilder(r).build();
                again.setPublished(r.getPublished().plusSeconds(86_400L * (1 + random.nextInt(10))));
                duplicates.add(again);
            }
        }
        out.addAll(duplicates);
        out.sort(Comparator.comparing(ModelRegistration::getPublished).thenComparing(ModelRegistration::getId));
        return out;
    }

    private static ModelRegistration registration(Random random, String region, LocalDate date, int sequence, String source) {
        String model = MODEL_HEADS[random.nextInt(MODEL_HEADS.length)] + MODEL_TAILS[random.nextInt(MODEL_TAILS.length)]
                + "-" + (1 + random.nextInt(9));
        String org = "Synthetic " + ORG_WORDS[random.nextInt(ORG_WORDS.length)] + " " + (char) ('A' + random.nextInt(26))
                + " Technology Co., Ltd.";
        String id = "SYN-" + region.replace("-", "") + "-" + date.format(DateTimeFormatter.BASIC_ISO_DATE) + "-" + String.format("%06d", sequence);
        var published = date.atStartOfDay(ZoneOffset.UTC).toInstant()
                .plusSeconds(86_400L * random.nextInt(MAX_PUBLICATION_LAG_DAYS + 1) + 3_600L * (8 + random.nextInt(10)));
        return new ModelRegistration(id, model, org, region, date, published, source);
    }

    private static LocalDate between(Random random, LocalDate first, LocalDate last) {
        long days = last.toEpochDay() - first.toEpochDay() + 1;
        return first.plusDays((long) (random.nextDouble() * days));
    }

    private static String pick(Random random, Map<String, Double> weights) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double x = random.nextDouble() * total;
        String last = null;
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            last = e.getKey();
            x -= e.getValue();
            if (x < 0) {
                return e.getKey();
            }
        }
        return last;
    }

    private static Map<String, Double> orderedMap(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Double) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
