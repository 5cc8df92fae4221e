package dev.almanac.registry;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.Qualifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.avro.Schema;

/** Test schemas and records shared by the registry tests. */
public final class TestSchemas {

    private TestSchemas() {
    }

    /** IndicatorObservation with one added optional field, seasonally_adjusted. */
    public static Schema observationV2() {
        return load("/registry/IndicatorObservation-v2.avsc");
    }

    /** IndicatorObservation with an added required field (no default): BACKWARD-incompatible. */
    public static Schema observationIncompatible() {
        return load("/registry/IndicatorObservation-incompatible.avsc");
    }

    /** A small record schema; {@code fields} is the JSON of its fields array. */
    public static Schema record(String name, String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"test\",\"fields\":" + fields + "}");
    }

    /** Beijing's registered large models at the end of 2025, as published. */
    public static IndicatorObservation beijingModels() {
        return IndicatorObservation.newBuilder()
                .setId("obs-test-1")
                .setIndicator("registered_llm_count")
                .setRegion("CN-BJ")
                .setPeriod("asof:2025-12-31")
                .setValue(209)
                .setUnit("count")
                .setQualifier(Qualifier.exact)
                .setPublished(Instant.parse("2026-01-08T00:00:00Z"))
                .setSource("test source")
                .setQuote("累计209款大模型完成备案")
                .setNote(null)
                .setIndicatorLabel(null)
                .setValueText(null)
                .build();
    }

    private static Schema load(String resource) {
        try (InputStream in = TestSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
