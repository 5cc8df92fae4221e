package dev.almanac.observation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
        Fields fields;
        // Streamed, not read into a tree first: building the tree took a third of the parse.
        try (JsonParser p = MAPPER.getFactory().createParser(utf8)) {
            fields = Fields.read(p);
        } catch (java.io.IOException e) {
            throw Rejection.of(Rejection.Reason.UNDECODABLE, null, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (fields == null) {
            throw Rejection.of(Rejection.Reason.UNDECODABLE, null, "not a JSON object");
        }
        return parse(fields);
    }

    /** Decodes and validates one line of text. */
    public static IndicatorObservation parse(String line) {
        return parse(line.getBytes(StandardCharsets.UTF_8));
    }

    private static IndicatorObservation parse(Fields o) {
        IndicatorObservation.Builder b = IndicatorObservation.newBuilder()
                .setIndicator(required(o, Fields.INDICATOR))
                .setRegion(required(o, Fields.REGION))
                .setPeriod(required(o, Fields.PERIOD))
                .setUnit(required(o, Fields.UNIT))
                .setSource(required(o, Fields.SOURCE))
                .setQuote(text(o, Fields.QUOTE))
                .setNote(text(o, Fields.NOTE))
                .setIndicatorLabel(text(o, Fields.INDICATOR_LABEL))
                .setValueText(text(o, Fields.VALUE_TEXT));
        switch (o.kind(Fields.VALUE)) {
            case ABSENT, NULL -> throw Rejection.of(Rejection.Reason.MISSING_FIELD, "value", "field 'value' is missing");
            case NUMBER -> b.setValue(o.number(Fields.VALUE));
            case STRING -> {
                String text = o.text(Fields.VALUE);
                try {
                    b.setValue(ChineseNumber.parse(text));
                } catch (NumberFormatException e) {
                    throw Rejection.of(Rejection.Reason.BAD_VALUE, "value", "value " + e.getMessage());
                }
                if (b.getValueText() == null) {
                    b.setValueText(text);
                }
            }
            default -> throw Rejection.of(Rejection.Reason.BAD_VALUE, "value",
                    "value must be a number or a string such as \"52073.4亿\"");
        }
        String qualifier = text(o, Fields.QUALIFIER);
        try {
            b.setQualifier(qualifier == null ? Qualifier.exact : Qualifier.valueOf(qualifier.trim().toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw Rejection.of(Rejection.Reason.BAD_QUALIFIER, "qualifier",
                    "qualifier '" + qualifier + "' is not one of exact, approx, more_than, less_than, estimate");
        }
        String published = text(o, Fields.PUBLISHED);
        if (published == null || published.isBlank()) {
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, "published", "field 'published' is missing");
        }
        try {
            b.setPublished(Published.parse(published));
        } catch (IllegalArgumentException e) {
            throw Rejection.of(Rejection.Reason.BAD_PUBLISHED, "published", e.getMessage());
        }
        String id = text(o, Fields.ID);
        b.setId(id == null || id.isBlank() ? "" : id.trim());
        IndicatorObservation draft = b.build();
        if (draft.getId().isEmpty()) {
            draft.setId(derivedId(draft));
        }
        return ObservationValidator.validate(draft);
    }

    private static String required(Fields o, int field) {
        String value = text(o, field);
        if (value == null || value.isBlank()) {
            String name = Fields.NAMES[field];
            throw Rejection.of(Rejection.Reason.MISSING_FIELD, name, "field '" + name + "' is missing");
        }
        return value;
    }

    /** A field's text: a string, or a number's or boolean's text; null when absent or null. */
    private static String text(Fields o, int field) {
        String name = Fields.NAMES[field];
        return switch (o.kind(field)) {
            case ABSENT, NULL -> null;
            case STRUCTURED -> throw Rejection.of(Rejection.Reason.BAD_VALUE, name, "field '" + name + "' must be a string");
            default -> FieldLimits.check(name, o.text(field));
        };
    }

    /**
     * The fields of one JSON object that an observation has, read in one pass; other fields are skipped.
     * As with a JSON tree, the last of duplicate fields counts and a number's text is that of its value
     * ({@code 2025.0} for {@code 2025.0e0}).
     */
    private static final class Fields {
        static final int INDICATOR = 0;
        static final int REGION = 1;
        static final int PERIOD = 2;
        static final int UNIT = 3;
        static final int SOURCE = 4;
        static final int QUOTE = 5;
        static final int NOTE = 6;
        static final int INDICATOR_LABEL = 7;
        static final int VALUE_TEXT = 8;
        static final int VALUE = 9;
        static final int QUALIFIER = 10;
        static final int PUBLISHED = 11;
        static final int ID = 12;
        static final String[] NAMES = {"indicator", "region", "period", "unit", "source", "quote", "note",
            "indicator_label", "value_text", "value", "qualifier", "published", "id"};

        enum Kind { ABSENT, NULL, STRING, NUMBER, BOOLEAN, STRUCTURED }

        private final Kind[] kinds = new Kind[NAMES.length];
        private final String[] texts = new String[NAMES.length];
        private final double[] numbers = new double[NAMES.length];

        /** The fields of the object {@code p} starts with, or null when it holds another JSON value (or none). */
        static Fields read(JsonParser p) throws java.io.IOException {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                if (first != null) {
                    p.skipChildren(); // a malformed array still reads as malformed JSON, as with a tree
                }
                return null;
            }
            Fields f = new Fields();
            java.util.Arrays.fill(f.kinds, Kind.ABSENT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                int i = index(p.currentName());
                JsonToken t = p.nextToken();
                if (i < 0) {
                    p.skipChildren();
                    continue;
                }
                f.texts[i] = null;
                switch (t) {
                    case VALUE_NULL -> f.kinds[i] = Kind.NULL;
                    case VALUE_STRING -> {
                        f.kinds[i] = Kind.STRING;
                        f.texts[i] = p.getText();
                    }
                    case VALUE_NUMBER_INT -> {
                        f.kinds[i] = Kind.NUMBER;
                        f.texts[i] = p.getNumberValue().toString();
                        f.numbers[i] = p.getDoubleValue();
                    }
                    case VALUE_NUMBER_FLOAT -> {
                        f.kinds[i] = Kind.NUMBER;
                        f.numbers[i] = p.getDoubleValue();
                        f.texts[i] = Double.toString(f.numbers[i]);
                    }
                    case VALUE_TRUE, VALUE_FALSE -> {
                        f.kinds[i] = Kind.BOOLEAN;
                        f.texts[i] = t == JsonToken.VALUE_TRUE ? "true" : "false";
                    }
                    default -> {
                        f.kinds[i] = Kind.STRUCTURED;
                        p.skipChildren();
                    }
                }
            }
            return f;
        }

        private static int index(String name) {
            return switch (name) {
                case "indicator" -> INDICATOR;
                case "region" -> REGION;
                case "period" -> PERIOD;
                case "unit" -> UNIT;
                case "source" -> SOURCE;
                case "quote" -> QUOTE;
                case "note" -> NOTE;
                case "indicator_label" -> INDICATOR_LABEL;
                case "value_text" -> VALUE_TEXT;
                case "value" -> VALUE;
                case "qualifier" -> QUALIFIER;
                case "published" -> PUBLISHED;
                case "id" -> ID;
                default -> -1;
            };
        }

        Kind kind(int field) {
            return kinds[field];
        }

        String text(int field) {
            return texts[field];
        }

        double number(int field) {
            return numbers[field];
        }
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
