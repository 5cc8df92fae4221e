package dev.almanac.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.almanac.observation.Published;
import java.io.IOException;

/**
 * A history line classified for replay: its event type (told apart by its fields: a registration
 * event has {@code model_name}) and its publication time, or why it is bad. A line is bad when it is
 * not one JSON object or has no readable {@code published}: it cannot be placed in time. Whether an
 * observation is otherwise valid is the pipeline's business (or {@code --strict}'s).
 *
 * @param source where the line comes from
 * @param kind observation, registration or bad
 * @param published publication time in epoch millis (meaningless for bad lines)
 * @param problem why the line is bad, or null
 */
record ReplayLine(SourceLine source, Kind kind, long published, String problem) {

    /** Event types a history line can hold. */
    public enum Kind { OBSERVATION, REGISTRATION, BAD }

    /** The field only registration events have. */
    static final String REGISTRATION_FIELD = "model_name";

    private static final JsonFactory JSON = new JsonFactory();

    public boolean bad() {
        return kind == Kind.BAD;
    }

    /** Classifies one line, reading it with a streaming parser (top-level fields only). */
    public static ReplayLine classify(SourceLine line) {
        String published = null;
        boolean publishedPresent = false;
        boolean registration = false;
        try (JsonParser p = JSON.createParser(line.bytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return bad(line, "not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                if (t != JsonToken.FIELD_NAME) {
                    return bad(line, "not valid JSON");
                }
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("published".equals(name)) {
                    publishedPresent = value != JsonToken.VALUE_NULL;
                    published = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    if (publishedPresent && published == null) {
                        p.skipChildren();
                    }
                } else if (REGISTRATION_FIELD.equals(name)) {
                    registration = true;
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return bad(line, "not valid JSON: text after the object");
            }
        } catch (IOException e) {
            return bad(line, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!publishedPresent) {
            return bad(line, "no 'published'");
        }
        if (published == null) {
            return bad(line, "'published' is not a string");
        }
        long millis;
        try {
            millis = Published.parse(published).toEpochMilli();
        } catch (IllegalArgumentException e) {
            return bad(line, e.getMessage());
        }
        return new ReplayLine(line, registration ? Kind.REGISTRATION : Kind.OBSERVATION, millis, null);
    }

    private static ReplayLine bad(SourceLine line, String problem) {
        return new ReplayLine(line, Kind.BAD, Long.MIN_VALUE, problem);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
