package dev.almanac.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent Schema Registry REST API: works against Confluent Schema Registry,
 * Karapace, Apicurio's Confluent-compatible API ({@code .../apis/ccompat/v7}) and Almanac's embedded
 * registry. Credentials in the URL ({@code https://user:secret@host}) are sent as HTTP Basic auth.
 * Registrations and schemas by id are cached: schema ids never change meaning.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistry {

    /** The registry's content type. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Integer>> idsBySubject = new ConcurrentHashMap<>();

    /** A client for the registry at {@code url} with 30-second request timeouts. */
    public HttpSchemaRegistryClient(String url) {
        this(url, Duration.ofSeconds(30));
    }

    public HttpSchemaRegistryClient(String url, Duration timeout) {
        URI uri = parse(url);
        String userInfo = uri.getRawUserInfo();
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(decode(userInfo).getBytes(StandardCharsets.UTF_8));
        String withoutUser = userInfo == null ? url.trim() : url.trim().replace(userInfo + "@", "");
        this.base = withoutUser.endsWith("/") ? withoutUser.substring(0, withoutUser.length() - 1) : withoutUser;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * Checks a registry URL's shape.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static URI parse(String url) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid schema registry URL '" + url + "': " + e.getMessage());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("invalid schema registry URL '" + url + "': expected http://host:port or https://host:port");
        }
        return uri;
    }

    /** The base URL (without credentials). */
    public String url() {
        return base;
    }

    @Override
    public int register(String subject, Schema schema) {
        String canonical = SchemaIds.canonical(schema);
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(canonical);
        if (cached != null) {
            return cached;
        }
        JsonNode response = send("POST", "/subjects/" + path(subject) + "/versions", schemaBody(schema));
        int id = response.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException(502, SchemaRegistryException.STORE_ERROR, "registry answered without an id: " + response);
        }
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(canonical, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema byId(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode response;
        try {
            response = send("GET", "/schemas/ids/" + id, null);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND || e.status() == 404) {
                throw new UnknownSchemaException(id);
            }
            throw e;
        }
        requireAvro(response);
        Schema schema = parseSchema(response.path("schema").asText());
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        send("GET", "/subjects/" + path(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Override
    public RegisteredSchema version(String subject, String version) {
        return registered(send("GET", "/subjects/" + path(subject) + "/versions/" + path(version), null));
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return registered(send("POST", "/subjects/" + path(subject), schemaBody(schema)));
    }

    @Override
    public List<RegisteredSchema> usagesOf(int id) {
        Schema schema = byId(id);
        List<RegisteredSchema> out = new ArrayList<>();
        send("GET", "/schemas/ids/" + id + "/versions", null).forEach(n ->
                out.add(new RegisteredSchema(n.path("subject").asText(), n.path("version").asInt(), id, schema)));
        return out;
    }

    @Override
    public CompatibilityCheck checkCompatibility(String subject, String version, Schema schema) {
        String path = "/compatibility/subjects/" + path(subject) + "/versions" + (version == null ? "" : "/" + path(version)) + "?verbose=true";
        JsonNode response = send("POST", path, schemaBody(schema));
        List<String> messages = new ArrayList<>();
        response.path("messages").forEach(n -> messages.add(n.asText()));
        return new CompatibilityCheck(response.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return level(send("GET", "/config", null));
    }

    @Override
    public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        try {
            return Optional.of(level(send("GET", "/config/" + path(subject), null)));
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        send("PUT", subject == null ? "/config" : "/config/" + path(subject), body);
    }

    @Override
    public CompatibilityLevel deleteSubjectCompatibility(String subject) {
        return level(send("DELETE", "/config/" + path(subject), null));
    }

    private static CompatibilityLevel level(JsonNode response) {
        JsonNode level = response.hasNonNull("compatibilityLevel") ? response.get("compatibilityLevel") : response.path("compatibility");
        return CompatibilityLevel.parse(level.asText());
    }

    private RegisteredSchema registered(JsonNode n) {
        requireAvro(n);
        int id = n.path("id").asInt();
        Schema schema = schemasById.computeIfAbsent(id, i -> parseSchema(n.path("schema").asText()));
        return new RegisteredSchema(n.path("subject").asText(), n.path("version").asInt(), id, schema);
    }

    private static void requireAvro(JsonNode n) {
        String type = n.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "schema type " + type + " is not supported: Almanac reads Avro schemas only");
        }
    }

    private static Schema parseSchema(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw SchemaRegistryException.invalidSchema("registry returned an unparsable schema: " + e.getMessage());
        }
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", SchemaIds.canonical(schema));
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Accept", ACCEPT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(503, SchemaRegistryException.STORE_ERROR,
                    "schema registry " + base + " unreachable (" + method + " " + path + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(503, SchemaRegistryException.OPERATION_TIMEOUT, "interrupted calling schema registry " + base, e);
        }
        JsonNode json;
        try {
            json = response.body() == null || response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        if (response.statusCode() / 100 != 2) {
            int code = json != null && json.has("error_code") ? json.get("error_code").asInt() : response.statusCode();
            String message = json != null && json.has("message") ? json.get("message").asText() : abbreviate(response.body());
            throw new SchemaRegistryException(response.statusCode(), code, message);
        }
        if (json == null) {
            throw new SchemaRegistryException(502, SchemaRegistryException.STORE_ERROR,
                    "schema registry " + base + " answered " + method + " " + path + " with non-JSON: " + abbreviate(response.body()));
        }
        return json;
    }

    private static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String oneLine = s.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
