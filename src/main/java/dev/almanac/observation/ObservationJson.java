package dev.almanac.observation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.Qualifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Reads an observation from one JSON object (a JSON Lines row). Field names are those of the Avro
 * schema. {@code value} may be a number or a string with a Chinese multiplier ({@code "52073.4亿"});
 * the original text is kept in {@code value_text}. A missing {@code id} is derived from the content.
 * A missing {@code qualifier} means exact.
 */
public final class ObservationJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ObservationJson() {
    }

    /**
     * Decodes and validates.
     *
     * @throws Rejection.Exception naming the field and the problem
     */
    public static IndicatorObservation parse(byte[] utf8) {
        JsonNode node;
        try {
            node = MAPPER.readTree(utf8);
        } catch (java.io.IOException e) {
            throw Rejection.of(Rejection.Reason.UNDECODABLE, null, "not valid JSON: " + firstLine(e.getMessage()));
        }
        return parse(node);
    }

    /** Decodes and validates one line of text. */
    public static IndicatorObservation parse(String line) {
        return parse(line.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes and validates a parsed JSON tree. */
    public static IndicatorObservation parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw Rejection.of(Rejection.Reason.UNDECODABLE, null, "not a JSON object");
        }
        ObjectNode o = (ObjectNode) node;
        IndicatorObservation.Builder b = IndicatorObservation.newBuilder()
                .setIndicator(required(o, "indicator"))
                .setRegion(required(o, "region"))
                .setPeriod(required(o, "period"))
                .setUnit(required(o, "unit"))
                .setSource(required(o, "source"))
                .setQuote(text(o, "quote"))
                .setNote(text(o, "note"))
                .setIndicatorLabel(text(o, "indicator_label"))
                .setValueText(text(o, "value_text"));
        JsonNode value = o.get("value");
        if (value == null || value.isNull()) {
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, "value", "field 'value' is missing");
        }
        if (value.isNumber()) {
            b.setValue(value.doubleValue());
        } else if (value.isTextual()) {
            try {
                b.setValue(ChineseNumber.parse(value.textValue()));
            } catch (NumberFormatException e) {
                throw Rejection.of(Rejection.Reason.BAD_VALUE, "value", "value " + e.getMessage());
            }
            if (b.getValueText() == null) {
                b.setValueText(value.textValue());
            }
        } else {
            throw Rejection.of(Rejection.Reason.BAD_VALUE, "value", "value must be a number or a string such as \"52073.4亿\"");
        }
        String qualifier = text(o, "qualifier");
        try {
            b.setQualifier(qualifier == null ? Qualifier.exact : Qualifier.valueOf(qualifier.trim().toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw Rejection.of(Rejection.Reason.BAD_QUALIFIER, "qualifier",
                    "qualifier '" + qualifier + "' is not one of exact, approx, more_than, less_than, estimate");
        }
        String published = text(o, "published");
        if (published == null || published.isBlank()) {
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, "published", "field 'published' is missing");
        }
        try {
            b.setPublished(Published.parse(published));
        } catch (IllegalArgumentException e) {
            throw Rejection.of(Rejection.Reason.BAD_PUBLISHED, "published", e.getMessage());
        }
        String id = text(o, "id");
        b.setId(id == null || id.isBlank() ? "" : id.trim());
        IndicatorObservation draft = b.build();
        if (draft.getId().isEmpty()) {
            draft.setId(derivedId(draft));
        }
        return ObservationValidator.validate(draft);
    }

    private static String required(ObjectNode o, String field) {
        String value = text(o, field);
        if (value == null || value.isBlank()) {
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, field, "field '" + field + "' is missing");
        }
        return value;
    }

    private static String text(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isValueNode()) {
            return FieldLimits.check(field, n.asText());
        }
        throw Rejection.of(Rejection.Reason.BAD_VALUE, field, "field '" + field + "' must be a string");
    }

    /** A stable id from the content, for producers that send none: {@code obs-} + 16 hex digits of SHA-256. */
    public static String derivedId(IndicatorObservation o) {
        String content = String.join("\u001f", o.getIndicator(), o.getRegion(), o.getPeriod(),
                Double.toString(o.getValue()), o.getUnit(), String.valueOf(o.getQualifier()),
                Long.toString(o.getPublished().toEpochMilli()), String.valueOf(o.getSource()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return "obs-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes an observation as one JSON object with the schema's field names (the format {@link #parse} reads). */
    public static String toJson(IndicatorObservation o) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", o.getId());
        n.put("indicator", o.getIndicator());
        n.put("region", o.getRegion());
        n.put("period", o.getPeriod());
        n.put("value", o.getValue());
        n.put("unit", o.getUnit());
        n.put("qualifier", o.getQualifier().name());
        n.put("published", o.getPublished().toString());
        n.put("source", o.getSource());
        if (o.getQuote() != null) {
            n.put("quote", o.getQuote());
        }
        if (o.getNote() != null) {
            n.put("note", o.getNote());
        }
        if (o.getIndicatorLabel() != null) {
            n.put("indicator_label", o.getIndicatorLabel());
        }
        if (o.getValueText() != null) {
            n.put("value_text", o.getValueText());
        }
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
