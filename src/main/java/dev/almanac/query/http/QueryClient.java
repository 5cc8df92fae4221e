package dev.almanac.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.query.QueryException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** A client of the query API, for the SQL shell, benchmarks and tests. */
public final class QueryClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    private final Optional<String> token;

    public QueryClient(String baseUrl, Optional<String> token) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String baseUrl() {
        return base;
    }

    /** Runs a pull query; the answer as JSON ({@code columns}, {@code rows}, {@code instances}, ...). */
    public JsonNode query(String sql) throws IOException, InterruptedException {
        return send(post("/query", sql).timeout(Duration.ofMinutes(10)).build());
    }

    /** Runs a prepared statement: {@code parameters} are the values of its {@code ?}, in order. */
    public JsonNode query(String sql, List<?> parameters) throws IOException, InterruptedException {
        byte[] body = MAPPER.writeValueAsBytes(Map.of("sql", sql, "parameters", parameters));
        return send(request("/query").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofMinutes(10)).build());
    }

    /**
     * Runs ksqlDB statements ({@code SHOW TABLES; DESCRIBE latest;}) on {@code POST /ksql}: one entity per
     * statement, in ksqlDB's shapes.
     */
    public JsonNode ksql(String statements) throws IOException, InterruptedException {
        byte[] body = MAPPER.writeValueAsBytes(Map.of("ksql", statements));
        return send(request("/ksql").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofMinutes(1)).build());
    }

    public JsonNode tables() throws IOException, InterruptedException {
        return send(request("/tables").GET().build());
    }

    /** The health answer; its {@code status} field carries the HTTP status (200 or 503). */
    public JsonNode health() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request("/health").GET().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = MAPPER.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("status", r.statusCode());
        return n;
    }

    /**
     * Runs a push query, handing each JSON line (the header with {@code columns}, rows as {@code row},
     * the final {@code done} or {@code error}) to {@code onLine} until it returns false or the stream ends.
     * Blank keep-alive lines are skipped.
     */
    public void stream(String sql, Predicate<JsonNode> onLine) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(post("/query-stream", sql).header("Accept", "application/x-ndjson").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body(); BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                StringBuilder sb = new StringBuilder();
                String l;
                while ((l = reader.readLine()) != null) {
                    sb.append(l);
                }
                throw error(r.statusCode(), sb.toString());
            }
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (!onLine.test(MAPPER.readTree(line))) {
                    return;
                }
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private HttpRequest.Builder post(String path, String sql) throws IOException {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(Map.of("sql", sql))));
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw error(r.statusCode(), r.body());
        }
        return MAPPER.readTree(r.body());
    }

    /** The server's {@link QueryException} as it answered it (status, message and where in the statement). */
    private static QueryException error(int status, String body) {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n != null && n.has("error")) {
                return new QueryException(status, n.get("error").asText(), n.path("line").asInt(0), n.path("column").asInt(0));
            }
            if (n != null && n.has("error_code") && n.has("message")) {
                // ksqlDB's error shape, from /ksql and /query-stream
                return new QueryException(status, n.get("message").asText(), n.path("line").asInt(0), n.path("column").asInt(0));
            }
        } catch (IOException ignored) {
            // not JSON
        }
        return new QueryException(status, "HTTP " + status + ": " + body, 0, 0);
    }
}
