package dev.almanac.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.CompatibilityCheck;
import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.HttpSchemaRegistryClient;
import dev.almanac.serde.SchemaIds;
import dev.almanac.serde.SchemaRegistryClient;
import dev.almanac.serde.SchemaRegistryException;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API over HTTP, from the Java client and from raw requests, on an in-memory store. */
class RegistryHttpApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBJECT = "almanac.latest-value";

    private EmbeddedSchemaRegistry server;
    private HttpSchemaRegistryClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = EmbeddedSchemaRegistry.serve(new InMemorySchemaStore(), "127.0.0.1", 0);
        client = new HttpSchemaRegistryClient(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldServeTheSameRegistryWhenReachedOverHttpOrInProcess() {
        int id = client.register(SUBJECT, IndicatorObservation.getClassSchema());

        assertEquals(SchemaIds.idOf(IndicatorObservation.getClassSchema()), id);
        assertEquals(IndicatorObservation.getClassSchema(), server.client().byId(id));
        assertEquals(List.of(SUBJECT), client.subjects());
        assertEquals(List.of(1), client.versions(SUBJECT));
        assertEquals(id, client.version(SUBJECT, "latest").id());
        assertEquals(1, client.lookup(SUBJECT, IndicatorObservation.getClassSchema()).version());
        assertEquals(List.of(SUBJECT), client.usagesOf(id).stream().map(r -> r.subject()).toList());
        assertEquals(IndicatorObservation.getClassSchema(), new HttpSchemaRegistryClient(server.url()).byId(id));
    }

    @Test
    void shouldRoundTripRecordsWhenSerdesUseTheHttpClient() {
        AvroSerdes overHttp = new AvroSerdes(client);
        AvroSerdes inProcess = new AvroSerdes(server.client());
        byte[] bytes = overHttp.specific(IndicatorObservation.class, false).serializer().serialize("almanac.latest", TestSchemas.beijingModels());

        assertEquals(TestSchemas.beijingModels(),
                inProcess.specific(IndicatorObservation.class, false).deserializer().deserialize("almanac.latest", bytes));
    }

    @Test
    void shouldAnswer409WithReasonWhenSchemaIsIncompatible() throws Exception {
        client.register(SUBJECT, IndicatorObservation.getClassSchema());

        HttpResponse<String> response = post("/subjects/" + SUBJECT + "/versions",
                JSON.createObjectNode().put("schema", TestSchemas.observationIncompatible().toString()).toString());

        assertEquals(409, response.statusCode());
        assertEquals(HttpSchemaRegistryClient.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = JSON.readTree(response.body());
        assertEquals(409, body.get("error_code").asInt());
        assertTrue(body.get("message").asText().contains("adjustment_method"), body.toString());
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client.register(SUBJECT, TestSchemas.observationIncompatible()));
        assertEquals(409, e.errorCode());
    }

    @Test
    void shouldAnswerRegistryErrorShapesWhenRequestsFail() throws Exception {
        assertError(get("/subjects/unknown/versions"), 404, 40401);
        assertError(get("/subjects/unknown/versions/latest"), 404, 40401);
        assertError(get("/schemas/ids/99"), 404, 40403);
        assertError(post("/subjects/x/versions", "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}"), 422, 42201);
        assertError(post("/subjects/x/versions", "{\"schema\":\"{}\",\"schemaType\":\"PROTOBUF\"}"), 422, 42201);
        assertError(put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(get("/config/unknown"), 404, 40408);
        client.register("x", IndicatorObservation.getClassSchema());
        assertError(get("/subjects/x/versions/0"), 422, 42202);
        assertError(get("/subjects/x/versions/5"), 404, 40402);
        assertThrows(SchemaRegistryClient.UnknownSchemaException.class, () -> client.byId(99));
    }

    @Test
    void shouldChangeLevelsAndCheckCompatibilityWhenAskedOverHttp() {
        assertEquals(CompatibilityLevel.BACKWARD, client.globalCompatibility());
        assertEquals(Optional.empty(), client.subjectCompatibility(SUBJECT));
        client.register(SUBJECT, IndicatorObservation.getClassSchema());

        CompatibilityCheck refused = client.checkCompatibility(SUBJECT, "latest", TestSchemas.observationIncompatible());
        assertFalse(refused.compatible());
        assertTrue(refused.messages().get(0).contains("adjustment_method"), refused.messages().toString());
        assertTrue(client.checkCompatibility(SUBJECT, null, TestSchemas.observationV2()).compatible());

        client.setCompatibility(SUBJECT, CompatibilityLevel.NONE);
        assertEquals(Optional.of(CompatibilityLevel.NONE), client.subjectCompatibility(SUBJECT));
        assertTrue(client.checkCompatibility(SUBJECT, "1", TestSchemas.observationIncompatible()).compatible());
        client.register(SUBJECT, TestSchemas.observationIncompatible());
        assertEquals(List.of(1, 2), client.versions(SUBJECT));

        assertEquals(CompatibilityLevel.NONE, client.deleteSubjectCompatibility(SUBJECT));
        client.setCompatibility(null, CompatibilityLevel.FULL_TRANSITIVE);
        assertEquals(CompatibilityLevel.FULL_TRANSITIVE, client.globalCompatibility());
        assertEquals(CompatibilityLevel.FULL_TRANSITIVE, client.effectiveCompatibility(SUBJECT));
    }

    @Test
    void shouldServeUnderBasePathWhenMountedOnAnotherApp() {
        Javalin app = Javalin.create(config -> config.showJavalinBanner = false);
        app.get("/health", ctx -> ctx.result("ok"));
        EmbeddedSchemaRegistry mounted = EmbeddedSchemaRegistry.mount(app, "/registry/", new InMemorySchemaStore());
        app.start("127.0.0.1", 0);
        try {
            assertTrue(mounted.url().endsWith(":" + app.port() + "/registry"), mounted.url());
            HttpSchemaRegistryClient viaApp = new HttpSchemaRegistryClient(mounted.url());
            int id = viaApp.register("k", IndicatorObservation.getClassSchema());
            assertEquals(IndicatorObservation.getClassSchema(), mounted.client().byId(id));
        } finally {
            app.stop();
            mounted.close();
        }
    }

    @Test
    void shouldUseTheExternalRegistryWhenUrlIsGiven() {
        try (RegistryConnection connection = RegistryConnection.open(Optional.of(server.url()), "unused:9092", "127.0.0.1", 0, false)) {
            assertFalse(connection.embedded());
            assertTrue(connection.describe().contains("external"), connection.describe());
            int id = connection.client().register("ext-value", IndicatorObservation.getClassSchema());
            assertEquals(IndicatorObservation.getClassSchema(), server.client().byId(id), "the schema went to the external registry");
        }
        assertThrows(IllegalArgumentException.class, () -> RegistryConnection.open(Optional.of("localhost:8081"), "unused:9092", "127.0.0.1", 0, false));
    }

    private static void assertError(HttpResponse<String> response, int status, int code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.get("error_code").asInt(), response.body());
        assertFalse(body.get("message").asText().isBlank());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
