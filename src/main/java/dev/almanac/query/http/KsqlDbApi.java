package dev.almanac.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.query.Column;
import dev.almanac.query.QueryException;
import dev.almanac.query.QueryResult;
import dev.almanac.query.SqlEngine;
import dev.almanac.query.Statements;
import dev.almanac.query.TableDef;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The parts of ksqlDB's REST API that make sense over Almanac's read-only tables, in ksqlDB's shapes,
 * so that ksqlDB clients work unchanged: {@code POST /ksql} (SHOW/LIST TABLES, SHOW/LIST STREAMS,
 * SHOW/LIST QUERIES, DESCRIBE), {@code GET /info}, {@code GET /healthcheck}, and the header and rows
 * of {@code POST /query-stream} (written by {@link QueryServer}). Names are shown upper-case and types
 * with ksqlDB's names (VARCHAR is STRING), as ksqlDB does; identifiers are case-insensitive either way.
 * Errors are ksqlDB's {@code {"@type": "statement_error", "error_code": 40001, "message": ...}}.
 */
final class KsqlDbApi {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern SHOW = Pattern.compile("(?is)(SHOW|LIST)\\s+(TABLES|STREAMS|QUERIES|TOPICS)(\\s+EXTENDED)?");
    private static final Pattern DESCRIBE = Pattern.compile("(?is)DESCRIBE\\s+(EXTENDED\\s+)?(\"[^\"]+\"|`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)(\\s+EXTENDED)?");
    /** First words of statements ksqlDB has and Almanac does not (tables here are computed by the pipeline, not by SQL). */
    private static final Pattern UNSUPPORTED = Pattern.compile(
            "(?is)(CREATE|INSERT|DROP|TERMINATE|ALTER|DELETE|UPDATE|SET|UNSET|DEFINE|UNDEFINE|PAUSE|RESUME|ASSERT|PRINT|RUN|EXPLAIN|SHOW|LIST|DESCRIBE)\\b.*");

    private final SqlEngine engine;
    private final PushQueries pushes;
    private final Supplier<Map<String, KafkaStreams.State>> state;
    private final String serviceId;

    KsqlDbApi(SqlEngine engine, PushQueries pushes, Supplier<Map<String, KafkaStreams.State>> state, String serviceId) {
        this.engine = engine;
        this.pushes = pushes;
        this.state = state;
        this.serviceId = serviceId;
    }

    /** ksqlDB's error body. */
    static ObjectNode error(QueryException e, String statement) {
        ObjectNode n = JSON.objectNode();
        boolean statementError = statement != null && (e.status() == 400 || e.status() == 403 || e.status() == 404);
        n.put("@type", statementError ? "statement_error" : "generic_error");
        n.put("error_code", errorCode(e.status(), statementError));
        n.put("message", e.getMessage());
        if (statementError) {
            n.put("statementText", statement);
            n.putArray("entities");
        }
        if (e.line() > 0) {
            n.put("line", e.line());
            n.put("column", e.column());
        }
        return n;
    }

    private static int errorCode(int status, boolean statementError) {
        return statementError ? 40001 : status * 100;
    }

    /** ksqlDB answers 400 where Almanac's own API says 403/404 about a statement: its clients expect that. */
    static int status(QueryException e) {
        return e.status() == 403 || e.status() == 404 ? 400 : e.status();
    }

    /** Refuses, in ksqlDB's words, a statement this API does not run on {@code /query-stream}. */
    static void requireQuery(String cleaned) {
        Matcher m = UNSUPPORTED.matcher(cleaned);
        if (m.matches()) {
            String word = m.group(1).toUpperCase(Locale.ROOT);
            if (word.equals("SHOW") || word.equals("LIST") || word.equals("DESCRIBE")) {
                throw QueryException.badRequest(word + " statements go to POST /ksql; /query-stream runs SELECT statements");
            }
            throw unsupported(word);
        }
    }

    private static QueryException unsupported(String word) {
        return QueryException.badRequest(word + " is not supported: Almanac's tables are computed by its pipeline and are read-only. "
                + "Supported: SELECT ... [EMIT CHANGES] on /query-stream; SHOW|LIST TABLES, SHOW|LIST STREAMS, SHOW|LIST QUERIES, "
                + "DESCRIBE <table> on /ksql");
    }

    /** The header object of a {@code /query-stream} answer. */
    static ObjectNode header(String queryId, List<QueryResult.ResultColumn> columns) {
        ObjectNode h = JSON.objectNode();
        h.put("queryId", queryId);
        ArrayNode names = h.putArray("columnNames");
        ArrayNode types = h.putArray("columnTypes");
        for (QueryResult.ResultColumn c : columns) {
            names.add(c.name().toUpperCase(Locale.ROOT));
            types.add(type(c.type()));
        }
        return h;
    }

    /** ksqlDB's name for a SQL type. */
    static String type(String sqlType) {
        return switch (sqlType) {
            case "VARCHAR", "CHAR" -> "STRING";
            case "FLOAT", "REAL" -> "DOUBLE";
            case "SMALLINT", "TINYINT" -> "INTEGER";
            default -> sqlType;
        };
    }

    /** {@code POST /ksql}: {"ksql": "SHOW TABLES; DESCRIBE latest;"} answers one entity per statement. */
    void ksql(Context ctx) {
        JsonNode body = QueryServer.body(ctx);
        if (!body.path("ksql").isTextual()) {
            throw QueryException.badRequest("the body must be JSON with a string field ksql: {\"ksql\": \"SHOW TABLES;\"}");
        }
        ArrayNode out = JSON.arrayNode();
        for (String statement : split(body.get("ksql").asText())) {
            ctx.attribute("statement", statement);
            out.add(entity(statement));
        }
        ctx.contentType("application/json").result(QueryServer.bytes(out));
    }

    /** Statements separated by {@code ;} outside quotes. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == ';') {
                if (!current.toString().isBlank()) {
                    out.add(current.toString().strip() + ";");
                }
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip() + ";");
        }
        if (out.isEmpty()) {
            throw QueryException.badRequest("no statement given");
        }
        return out;
    }

    private ObjectNode entity(String statement) {
        String cleaned = Statements.clean(statement);
        Matcher show = SHOW.matcher(cleaned);
        if (show.matches()) {
            return switch (show.group(2).toUpperCase(Locale.ROOT)) {
                case "TABLES" -> tables(statement);
                case "STREAMS" -> entity("streams", statement).set("streams", JSON.arrayNode());
                case "QUERIES" -> queries(statement);
                default -> entity("kafka_topics", statement).set("topics", topics());
            };
        }
        Matcher describe = DESCRIBE.matcher(cleaned);
        if (describe.matches()) {
            return describe(statement, describe.group(2), describe.group(1) != null || describe.group(3) != null);
        }
        if (cleaned.regionMatches(true, 0, "SELECT", 0, 6) || cleaned.regionMatches(true, 0, "WITH", 0, 4)) {
            throw new QueryException(400, "queries go to POST /query-stream (ksqlDB's endpoint for pull and push queries) or POST /query");
        }
        Matcher m = UNSUPPORTED.matcher(cleaned);
        throw unsupported(m.matches() ? m.group(1).toUpperCase(Locale.ROOT) : cleaned.split("\\s+")[0].toUpperCase(Locale.ROOT));
    }

    private static ObjectNode entity(String type, String statement) {
        ObjectNode n = JSON.objectNode();
        n.put("@type", type);
        n.put("statementText", statement);
        n.putArray("warnings");
        return n;
    }

    private ObjectNode tables(String statement) {
        ObjectNode n = entity("tables", statement);
        ArrayNode tables = n.putArray("tables");
        for (TableDef def : engine.tables().all()) {
            ObjectNode t = tables.addObject();
            t.put("type", "TABLE");
            t.put("name", def.name().toUpperCase(Locale.ROOT));
            t.put("topic", topic(def));
            t.put("keyFormat", "AVRO");
            t.put("valueFormat", "AVRO");
            t.put("isWindowed", false);
        }
        return n;
    }

    private ArrayNode topics() {
        ArrayNode topics = JSON.arrayNode();
        for (TableDef def : engine.tables().all()) {
            ObjectNode t = topics.addObject();
            t.put("name", topic(def));
            t.putArray("replicaInfo");
        }
        return topics;
    }

    private static String topic(TableDef def) {
        return def.changes().map(TableDef.ChangeFeed::topic).orElse(def.sourceTopic());
    }

    private ObjectNode queries(String statement) {
        ObjectNode n = entity("queries", statement);
        ArrayNode queries = n.putArray("queries");
        for (PushQueries.Running r : pushes.running()) {
            ObjectNode q = queries.addObject();
            q.put("queryString", r.sql());
            q.putArray("sinks");
            q.putArray("sinkKafkaTopics");
            q.put("id", r.id());
            q.putObject("statusCount").put("RUNNING", 1);
            q.put("queryType", "PUSH");
            q.put("state", "RUNNING");
        }
        return n;
    }

    private ObjectNode describe(String statement, String name, boolean extended) {
        String resolved = name.startsWith("\"") || name.startsWith("`") ? name.substring(1, name.length() - 1) : name.toLowerCase(Locale.ROOT);
        TableDef def = engine.tables().get(resolved).orElseThrow(() -> QueryException.badRequest(
                "Could not find STREAM/TABLE '" + name.toUpperCase(Locale.ROOT) + "' in the Metastore; known tables: "
                        + String.join(", ", engine.tables().names())));
        ObjectNode n = entity("sourceDescription", statement);
        ObjectNode d = n.putObject("sourceDescription");
        d.put("name", def.name().toUpperCase(Locale.ROOT));
        d.putNull("windowType");
        d.putArray("readQueries");
        d.putArray("writeQueries");
        ArrayNode fields = d.putArray("fields");
        for (Column c : def.columns()) {
            ObjectNode f = fields.addObject();
            f.put("name", c.name().toUpperCase(Locale.ROOT));
            ObjectNode schema = f.putObject("schema");
            schema.put("type", type(c.type().getName()));
            schema.putNull("fields");
            schema.putNull("memberSchema");
            if (def.keyColumns().contains(c.name())) {
                f.put("type", "KEY");
            }
        }
        d.put("type", "TABLE");
        d.put("timestamp", "");
        d.put("statistics", "");
        d.put("errorStats", "");
        d.put("extended", extended);
        d.put("keyFormat", "AVRO");
        d.put("valueFormat", "AVRO");
        d.put("topic", topic(def));
        d.put("partitions", 0);
        d.put("replication", 0);
        d.put("statement", def.description());
        d.putArray("queryOffsetSummaries");
        d.putArray("sourceConstraints");
        d.putArray("clusterStatistics");
        d.putArray("clusterErrorStats");
        return n;
    }

    /** {@code GET /info}. */
    void info(Context ctx) {
        ObjectNode n = JSON.objectNode();
        ObjectNode info = n.putObject("KsqlServerInfo");
        String v = KsqlDbApi.class.getPackage().getImplementationVersion();
        info.put("version", v == null ? "almanac-dev" : "almanac-" + v);
        info.put("kafkaClusterId", "");
        info.put("ksqlServiceId", serviceId);
        info.put("serverStatus", ready() ? "RUNNING" : "ERROR");
        ctx.contentType("application/json").result(QueryServer.bytes(n));
    }

    /** {@code GET /healthcheck}: 200 when every application runs, else 503, in ksqlDB's shape. */
    void healthcheck(Context ctx) {
        boolean ready = ready();
        ObjectNode n = JSON.objectNode();
        n.put("isHealthy", ready);
        ObjectNode details = n.putObject("details");
        details.putObject("metastore").put("isHealthy", true);
        details.putObject("kafka").put("isHealthy", ready);
        details.putObject("commandRunner").put("isHealthy", true);
        n.put("serverState", ready ? "RUNNING" : "ERROR");
        ctx.status(ready ? 200 : 503).contentType("application/json").result(QueryServer.bytes(n));
    }

    private boolean ready() {
        return state.get().values().stream().allMatch(s -> s == KafkaStreams.State.RUNNING);
    }
}
