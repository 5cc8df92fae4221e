package dev.almanac.derived;

import static dev.almanac.derived.DerivedDriver.key;
import static dev.almanac.derived.DerivedDriver.obs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The derived application's latest table holds only the indicators its tables read (bundled derived.yaml). */
class DerivedLatestViewTest {

    private final DerivedDriver d = new DerivedDriver();

    @AfterEach
    void tearDown() {
        d.close();
    }

    private IndicatorObservation stored(IndicatorObservation o) {
        KeyValueStore<ObservationKey, ValueAndTimestamp<IndicatorObservation>> store =
                d.driver.getTimestampedKeyValueStore(DerivedInputs.LATEST_STORE);
        ValueAndTimestamp<IndicatorObservation> v = store.get(key(o));
        return v == null ? null : v.value();
    }

    @Test
    void shouldKeepIndicatorsThatSomeTableReadsAndDropTheOthers() {
        IndicatorObservation gdp = obs("g", "gdp", "CN-SH", "2025", 5.67e12, "CNY", Qualifier.exact, "2026-01-26");
        IndicatorObservation models = obs("m", "registered_llm_count", "CN-SH", "asof:2025-12-31", 40, "count",
                Qualifier.exact, "2026-01-26");
        IndicatorObservation unicorns = obs("u", "unicorn_count", "CN-SH", "2025", 7, "count", Qualifier.exact, "2026-01-26");
        d.latest(gdp);
        d.latest(models);
        d.latest(unicorns);

        assertEquals(gdp, stored(gdp), "gdp is read by shares, periods and growth");
        assertEquals(models, stored(models), "registered_llm_count is the registrations' reconcile indicator");
        assertNull(stored(unicorns), "no table reads unicorn_count");
    }

    @Test
    void shouldReplaceARevisedValueOfAReadIndicator() {
        d.latest(obs("g1", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-01-20"));
        IndicatorObservation revised = obs("g2", "gdp", "CN-SH", "2025", 5.67e12, "CNY", Qualifier.exact, "2026-01-26");
        d.latest(revised);
        d.latest(obs("u", "unicorn_count", "CN-SH", "2025", 7, "count", Qualifier.exact, "2026-01-26"));

        assertNotNull(stored(revised));
        assertEquals(5.67e12, stored(revised).getValue());
    }
}
