package dev.almanac.query.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.query.ChangeStream;
import dev.almanac.query.LocalPartitionReader;
import dev.almanac.query.SqlEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ksqlDB's endpoints and response shapes, and the API's answers to bad input, over the bundled data in a
 * topology test driver (no broker: push queries themselves run in QueryHttpIT and KsqlDbClientIT).
 */
class KsqlDbApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static dev.almanac.query.BundledDataAccess data;
    private static QueryServer server;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        data = new dev.almanac.query.BundledDataAccess();
        SqlEngine engine = data.engine();
        LocalPartitionReader reader = data.reader();
        // No push-query slots: a push query is refused before it would need a broker.
        server = new QueryServer(engine, reader, new ChangeStream("127.0.0.1:1", Duration.ofSeconds(5), Duration.ofSeconds(5)),
                () -> Map.of("foundation", KafkaStreams.State.RUNNING, "derived", KafkaStreams.State.RUNNING),
                new QueryServer.Options(Optional.empty(), 0, Duration.ofSeconds(5), "almanac-test")).start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        data.close();
    }

    private static HttpResponse<String> post(String path, String body, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sql(String statement) throws Exception {
        return JSON.writeValueAsString(Map.of("sql", statement, "properties", Map.of()));
    }

    private static final String GDP_BJ = "SELECT value, published FROM LATEST WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025';";

    @Test
    void shouldAnswerPullQueriesWithHeaderThenRowsWhenDelimited() throws Exception {
        HttpResponse<String> r = post("/query-stream", sql(GDP_BJ), "application/vnd.ksqlapi.delimited.v1");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/vnd.ksqlapi.delimited.v1", r.headers().firstValue("Content-Type").orElse(""));
        String[] lines = r.body().split("\n");
        assertEquals(2, lines.length, r.body());
        JsonNode header = JSON.readTree(lines[0]);
        assertTrue(header.path("queryId").asText().length() > 0, lines[0]);
        assertEquals("[\"VALUE\",\"PUBLISHED\"]", header.path("columnNames").toString());
        assertEquals("[\"DOUBLE\",\"TIMESTAMP\"]", header.path("columnTypes").toString());
        assertEquals("[5.2073E12,\"2026-01-26T00:00:00Z\"]", lines[1]);
        // No Accept header: ksqlDB's default is the delimited form too.
        assertEquals(lines[1], post("/query-stream", sql(GDP_BJ), null).body().split("\n")[1]);
    }

    @Test
    void shouldAnswerPullQueriesAsOneJsonArrayWhenJsonIsAccepted() throws Exception {
        HttpResponse<String> r = post("/query-stream", sql("SELECT region, indicator FROM current WHERE indicator = 'gdp' AND frequency = 'A' "
                + "AND region IN ('CN-BJ', 'CN-SH') ORDER BY region"), "application/json");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode all = JSON.readTree(r.body());
        assertEquals("[\"STRING\",\"STRING\"]", all.get(0).path("columnTypes").toString());
        assertEquals("[\"REGION\",\"INDICATOR\"]", all.get(0).path("columnNames").toString());
        assertEquals("[\"CN-BJ\",\"gdp\"]", all.get(1).toString());
        assertEquals("[\"CN-SH\",\"gdp\"]", all.get(2).toString());
        assertEquals(3, all.size());
    }

    @Test
    void shouldListTablesStreamsAndQueriesAndDescribeInKsqlDbShapes() throws Exception {
        HttpResponse<String> r = post("/ksql", "{\"ksql\": \"SHOW TABLES; LIST STREAMS; show queries; DESCRIBE current;\", \"streamsProperties\": {}}", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode entities = JSON.readTree(r.body());
        assertEquals(4, entities.size(), r.body());
        JsonNode tables = entities.get(0);
        assertEquals("tables", tables.path("@type").asText());
        assertEquals("SHOW TABLES;", tables.path("statementText").asText());
        List<String> names = new ArrayList<>();
        tables.path("tables").forEach(t -> names.add(t.path("name").asText()));
        assertTrue(names.containsAll(List.of("LATEST", "CURRENT", "REVISIONS", "REGIONS")), names.toString());
        JsonNode latest = tables.path("tables").get(0);
        assertEquals("TABLE", latest.path("type").asText());
        assertEquals("almanac.latest", latest.path("topic").asText());
        assertEquals(false, latest.path("isWindowed").asBoolean(true));
        assertEquals("streams", entities.get(1).path("@type").asText());
        assertEquals(0, entities.get(1).path("streams").size());
        assertEquals("queries", entities.get(2).path("@type").asText());
        assertTrue(entities.get(2).path("queries").isArray());
        JsonNode described = entities.get(3).path("sourceDescription");
        assertEquals("sourceDescription", entities.get(3).path("@type").asText());
        assertEquals("CURRENT", described.path("name").asText());
        JsonNode first = described.path("fields").get(0);
        assertEquals("INDICATOR", first.path("name").asText());
        assertEquals("STRING", first.path("schema").path("type").asText());
        assertEquals("KEY", first.path("type").asText());
        assertTrue(described.path("fields").get(4).path("type").isMissingNode(), "value columns carry no type: " + described.path("fields").get(4));
    }

    @Test
    void shouldAnswerUnsupportedStatementsWithKsqlDbStatementErrors() throws Exception {
        for (String statement : List.of("CREATE STREAM s (x INT) WITH (kafka_topic='t', value_format='json');", "DROP TABLE latest;",
                "INSERT INTO latest (indicator) VALUES ('x');", "TERMINATE ALL;")) {
            for (String path : List.of("/ksql", "/query-stream")) {
                String body = path.equals("/ksql") ? JSON.writeValueAsString(Map.of("ksql", statement)) : sql(statement);
                HttpResponse<String> r = post(path, body, null);
                assertEquals(400, r.statusCode(), path + " " + statement + ": " + r.body());
                JsonNode e = JSON.readTree(r.body());
                assertEquals("statement_error", e.path("@type").asText(), r.body());
                assertEquals(40001, e.path("error_code").asInt());
                assertTrue(e.path("message").asText().contains("is not supported"), r.body());
                assertTrue(e.path("entities").isArray());
            }
        }
    }

    @Test
    void shouldGiveTheErrorPositionAndKnownTablesInKsqlDbErrors() throws Exception {
        JsonNode syntax = JSON.readTree(post("/query-stream", sql("SELECT * FROM latest WHERE WHERE"), null).body());
        assertEquals(40001, syntax.path("error_code").asInt(), syntax.toString());
        assertEquals(1, syntax.path("line").asInt());
        assertEquals(22, syntax.path("column").asInt(), syntax.toString());
        assertEquals("SELECT * FROM latest WHERE WHERE", syntax.path("statementText").asText());
        HttpResponse<String> unknown = post("/query-stream", sql("SELECT * FROM nowhere;"), null);
        assertEquals(400, unknown.statusCode());
        assertTrue(JSON.readTree(unknown.body()).path("message").asText().contains("unknown table nowhere; known tables: latest"), unknown.body());
        HttpResponse<String> describe = post("/ksql", "{\"ksql\": \"DESCRIBE nowhere;\"}", null);
        assertEquals(400, describe.statusCode());
        assertTrue(describe.body().contains("Could not find STREAM/TABLE 'NOWHERE'"), describe.body());
    }

    @Test
    void shouldRefuseBadBodiesWithClearClientErrors() throws Exception {
        HttpResponse<String> malformed = post("/query", "{\"sql\": \"SELECT 1", null);
        assertEquals(400, malformed.statusCode());
        assertTrue(JSON.readTree(malformed.body()).path("error").asText().startsWith("the body is not valid JSON"), malformed.body());
        assertEquals(400, post("/query", "[1, 2]", null).statusCode());
        assertEquals(400, post("/query", "{\"query\": \"SELECT 1\"}", null).statusCode());
        HttpResponse<String> ksqlMalformed = post("/query-stream", "{nope", null);
        assertEquals(400, ksqlMalformed.statusCode());
        assertEquals(40000, JSON.readTree(ksqlMalformed.body()).path("error_code").asInt(), ksqlMalformed.body());
        HttpResponse<String> unknown = post("/query", sql("SELECT * FROM nowhere"), null);
        assertEquals(404, unknown.statusCode(), "Almanac's own endpoint keeps its statuses");
        HttpResponse<String> huge = post("/query", sql("SELECT '" + "x".repeat(SqlEngine.MAX_STATEMENT_CHARS) + "'"), null);
        assertEquals(413, huge.statusCode(), huge.body());
        HttpResponse<String> tooMany = post("/query-stream", sql("SELECT * FROM latest EMIT CHANGES;"), null);
        assertEquals(429, tooMany.statusCode(), tooMany.body());
        assertTrue(JSON.readTree(tooMany.body()).path("message").asText().contains("too many push queries"), tooMany.body());
        HttpResponse<String> close = post("/close-query", "{\"queryId\": \"no-such-query\"}", null);
        assertEquals(400, close.statusCode());
        assertTrue(close.body().contains("no push query with id no-such-query"), close.body());
        HttpResponse<String> badParameters = post("/query", "{\"sql\": \"SELECT ? AS x\", \"parameters\": {\"a\": 1}}", null);
        assertEquals(400, badParameters.statusCode(), badParameters.body());
    }

    @Test
    void shouldRunPreparedStatementsOnTheQueryEndpoint() throws Exception {
        HttpResponse<String> r = post("/query", "{\"sql\": \"SELECT value FROM latest WHERE indicator = ? AND region = ? AND period = ?\","
                + " \"parameters\": [\"gdp\", \"CN-BJ\", \"2025\"]}", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals("[[5.2073E12]]", answer.path("rows").toString());
        assertEquals("value", answer.path("columns").get(0).path("name").asText());
    }

    @Test
    void shouldServeInfoAndHealthcheckOverHttp2Too() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> info = h2.send(HttpRequest.newBuilder(URI.create(base + "/info")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, info.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, info.version(), "the connector upgrades to h2c");
        JsonNode i = JSON.readTree(info.body()).path("KsqlServerInfo");
        assertEquals("almanac-test", i.path("ksqlServiceId").asText());
        assertEquals("RUNNING", i.path("serverStatus").asText());
        HttpResponse<String> health = h2.send(HttpRequest.newBuilder(URI.create(base + "/healthcheck")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        JsonNode h = JSON.readTree(health.body());
        assertTrue(h.path("isHealthy").asBoolean());
        assertTrue(h.path("details").path("kafka").path("isHealthy").asBoolean());
    }
}
