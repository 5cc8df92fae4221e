package dev.almanac.query.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.almanac.query.QueryResult;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Writes query answers as JSON bytes with Jackson's streaming generator and sends them with their
 * length. A key lookup's answer is a few hundred bytes; building maps for the data binder to walk,
 * and Javalin copying the bytes through a stream, cost more than the lookup itself (profile of
 * {@code ./almanac bench queries}).
 */
final class AnswerJson {

    private static final JsonFactory FACTORY = PeerJson.MAPPER.getFactory();

    private AnswerJson() {
    }

    /** Writes {@code body} as the response, status 200 unless set otherwise, bypassing Javalin's result stream. */
    static void send(Context ctx, String contentType, byte[] body) {
        HttpServletResponse res = ctx.res();
        res.setContentType(contentType);
        res.setContentLength(body.length);
        try {
            res.getOutputStream().write(body);
        } catch (IOException e) {
            // The client went away: nothing to answer to.
        }
    }

    /** Almanac's {@code /query} answer. */
    static byte[] query(QueryResult r, int rowCap) {
        ByteArrayBuilder out = new ByteArrayBuilder(256 + 128 * r.rows().size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("columns");
            for (QueryResult.ResultColumn c : r.columns()) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("type", c.type());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rows");
            for (List<Object> row : r.rows()) {
                row(g, row);
            }
            g.writeEndArray();
            g.writeBooleanField("truncated", r.truncated());
            g.writeNumberField("row_cap", rowCap);
            g.writeFieldName("instances");
            g.writeObject(r.instances());
            g.writeNumberField("elapsed_ms", Math.round(r.elapsedMillis() * 100) / 100.0);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** ksqlDB's pull answer: the header and then the rows, one per line or as one JSON array. */
    static byte[] ksqlPull(String queryId, QueryResult r, boolean array) {
        ByteArrayBuilder out = new ByteArrayBuilder(256 + 128 * r.rows().size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            // Lines, not values separated by Jackson's default space.
            g.setRootValueSeparator(null);
            if (array) {
                g.writeStartArray();
            }
            g.writeStartObject();
            g.writeStringField("queryId", queryId);
            g.writeArrayFieldStart("columnNames");
            for (QueryResult.ResultColumn c : r.columns()) {
                g.writeString(c.name().toUpperCase(Locale.ROOT));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("columnTypes");
            for (QueryResult.ResultColumn c : r.columns()) {
                g.writeString(KsqlDbApi.type(c.type()));
            }
            g.writeEndArray();
            g.writeEndObject();
            for (List<Object> row : r.rows()) {
                if (!array) {
                    g.writeRaw('\n');
                }
                row(g, row);
            }
            if (array) {
                g.writeEndArray();
            } else {
                g.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void row(JsonGenerator g, List<Object> row) throws IOException {
        g.writeStartArray();
        for (Object v : row) {
            value(g, v);
        }
        g.writeEndArray();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else {
            g.writeObject(v);
        }
    }
}
