package dev.almanac.observation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.Qualifier;
import org.junit.jupiter.api.Test;

/** What the JSON reader accepts and how it names what it rejects. */
class ObservationJsonTest {

    private static final String BASE = "\"indicator\":\"gdp\",\"region\":\"CN-SH\",\"period\":\"2025\",\"unit\":\"CNY\","
            + "\"source\":\"Shanghai statistics bureau\",\"published\":\"2026-01-26\"";

    private static IndicatorObservation parse(String json) {
        return ObservationJson.parse(json);
    }

    private static Rejection rejection(String json) {
        return assertThrows(Rejection.Exception.class, () -> parse(json), json).rejection();
    }

    @Test
    void shouldReadEveryFieldAndIgnoreUnknownOnes() {
        IndicatorObservation o = parse("{\"id\":\" a1 \"," + BASE + ",\"value\":5.67e12,\"qualifier\":\"Approx\","
                + "\"quote\":\"q\",\"note\":\"n\",\"indicator_label\":\"GDP\",\"extra\":{\"nested\":[1,{\"x\":2}]},\"more\":[]}");
        assertEquals("a1", o.getId());
        assertEquals("gdp", o.getIndicator());
        assertEquals(5.67e12, o.getValue());
        assertEquals(Qualifier.approx, o.getQualifier());
        assertEquals("q", o.getQuote());
        assertEquals("n", o.getNote());
        assertEquals("GDP", o.getIndicatorLabel());
        assertEquals(Published.parse("2026-01-26"), o.getPublished());
    }

    @Test
    void shouldReadAChineseMultiplierAndKeepItsText() {
        IndicatorObservation o = parse("{" + BASE + ",\"value\":\"52073.4亿\"}");
        assertEquals(5.20734e12, o.getValue(), 1);
        assertEquals("52073.4亿", o.getValueText());
    }

    @Test
    void shouldTakeTheTextOfNumbersAndBooleansInTextFieldsAsTheirValuesText() {
        assertEquals("2025", parse("{" + BASE.replace("\"period\":\"2025\"", "\"period\":2025") + ",\"value\":1}").getPeriod());
        assertEquals("7", parse("{" + BASE + ",\"value\":1,\"id\":7}").getId());
        assertEquals("2.5", parse("{" + BASE + ",\"value\":1,\"id\":25e-1}").getId());
        assertEquals("true", parse("{" + BASE + ",\"value\":1,\"note\":true}").getNote());
        assertEquals("123456789012345678901234567890", parse("{" + BASE + ",\"value\":1,\"id\":123456789012345678901234567890}").getId());
    }

    @Test
    void shouldLetTheLastOfDuplicateFieldsCount() {
        assertEquals(2.0, parse("{" + BASE + ",\"value\":{\"a\":1},\"value\":2}").getValue());
        assertEquals("b", parse("{" + BASE + ",\"value\":1,\"id\":\"a\",\"id\":\"b\"}").getId());
    }

    @Test
    void shouldNameTheFieldThatIsWrong() {
        assertEquals(new Rejection(Rejection.Reason.MISSING_FIELD, "value", "field 'value' is missing"),
                rejection("{" + BASE + "}"));
        assertEquals(new Rejection(Rejection.Reason.MISSING_FIELD, "value", "field 'value' is missing"),
                rejection("{" + BASE + ",\"value\":null}"));
        assertEquals(new Rejection(Rejection.Reason.BAD_VALUE, "value", "value must be a number or a string such as \"52073.4亿\""),
                rejection("{" + BASE + ",\"value\":[1]}"));
        assertEquals(new Rejection(Rejection.Reason.BAD_VALUE, "value", "value must be a number or a string such as \"52073.4亿\""),
                rejection("{" + BASE + ",\"value\":true}"));
        assertEquals(new Rejection(Rejection.Reason.BAD_VALUE, "region", "field 'region' must be a string"),
                rejection("{" + BASE.replace("\"region\":\"CN-SH\"", "\"region\":{\"code\":\"CN-SH\"}") + ",\"value\":1}"));
        assertEquals(new Rejection(Rejection.Reason.MISSING_FIELD, "indicator", "field 'indicator' is missing"),
                rejection("{" + BASE.replace("\"indicator\":\"gdp\"", "\"indicator\":\" \"") + ",\"value\":1}"));
        assertEquals(new Rejection(Rejection.Reason.MISSING_FIELD, "published", "field 'published' is missing"),
                rejection("{" + BASE.replace("\"published\":\"2026-01-26\"", "\"published\":null") + ",\"value\":1}"));
        assertEquals(Rejection.Reason.FIELD_TOO_LONG, rejection("{" + BASE + ",\"value\":1,\"id\":\"" + "x".repeat(129) + "\"}").reason());
    }

    @Test
    void shouldRejectWhatIsNotAJsonObject() {
        for (String notAnObject : new String[] {"", "  ", "[1,2]", "\"gdp\"", "42", "null"}) {
            assertEquals(new Rejection(Rejection.Reason.UNDECODABLE, null, "not a JSON object"), rejection(notAnObject), notAnObject);
        }
        for (String malformed : new String[] {"{\"indicator\":", "{\"a\" 1}", "[1,", "{" + BASE + ",\"value\":1"}) {
            Rejection r = rejection(malformed);
            assertEquals(Rejection.Reason.UNDECODABLE, r.reason(), malformed);
            assertEquals(true, r.message().startsWith("not valid JSON: "), r.message());
        }
    }
}
