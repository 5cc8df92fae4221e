package dev.almanac.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.serde.CompatibilityCheck;
import dev.almanac.serde.CompatibilityLevel;
import dev.almanac.serde.HttpSchemaRegistryClient;
import dev.almanac.serde.RegisteredSchema;
import dev.almanac.serde.SchemaIds;
import dev.almanac.serde.SchemaRegistry;
import dev.almanac.serde.SchemaRegistryException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API subset, served from a {@link SchemaRegistry}:
 * <pre>
 * GET  /subjects                              POST /subjects/{s}/versions     (register → {"id"})
 * GET  /subjects/{s}/versions                 POST /subjects/{s}              (lookup)
 * GET  /subjects/{s}/versions/{v}             GET  /subjects/{s}/versions/{v}/schema
 * GET  /schemas/ids/{id}                      GET  /schemas/ids/{id}/versions
 * POST /compatibility/subjects/{s}/versions[/{v}]
 * GET|PUT /config                             GET|PUT|DELETE /config/{s}
 * </pre>
 * Errors have the registry's shape {@code {"error_code":40401,"message":"..."}}. Only Avro schemas are
 * accepted; schema references are not supported.
 */
final class RegistryHttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistry registry;

    private RegistryHttpApi(SchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * Adds the registry's routes under {@code basePath} ("" for the root) to {@code app}. Handles its own
     * errors, so it shares an app with other APIs without touching their exception handlers.
     */
    public static void mount(Javalin app, String basePath, SchemaRegistry registry) {
        String base = normalize(basePath);
        RegistryHttpApi api = new RegistryHttpApi(registry);
        app.get(base + "/subjects", api.handle(api::subjects));
        app.get(base + "/subjects/{subject}/versions", api.handle(api::versions));
        app.post(base + "/subjects/{subject}/versions", api.handle(api::register));
        app.get(base + "/subjects/{subject}/versions/{version}", api.handle(api::version));
        app.get(base + "/subjects/{subject}/versions/{version}/schema", api.handle(api::versionSchema));
        app.post(base + "/subjects/{subject}", api.handle(api::lookup));
        app.get(base + "/schemas/ids/{id}", api.handle(api::schemaById));
        app.get(base + "/schemas/ids/{id}/schema", api.handle(api::rawSchemaById));
        app.get(base + "/schemas/ids/{id}/versions", api.handle(api::usages));
        app.post(base + "/compatibility/subjects/{subject}/versions", api.handle(api::compatibility));
        app.post(base + "/compatibility/subjects/{subject}/versions/{version}", api.handle(api::compatibility));
        app.get(base + "/config", api.handle(api::globalConfig));
        app.put(base + "/config", api.handle(api::setGlobalConfig));
        app.get(base + "/config/{subject}", api.handle(api::subjectConfig));
        app.put(base + "/config/{subject}", api.handle(api::setSubjectConfig));
        app.delete(base + "/config/{subject}", api.handle(api::deleteSubjectConfig));
        app.get(base + "/schemas/types", api.handle(ctx -> JSON.createArrayNode().add("AVRO")));
    }

    /** "" or "/x/y" without a trailing slash. */
    static String normalize(String basePath) {
        if (basePath == null || basePath.isBlank() || basePath.equals("/")) {
            return "";
        }
        String p = basePath.startsWith("/") ? basePath : "/" + basePath;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    @FunctionalInterface
    private interface JsonHandler {
        Object handle(Context ctx) throws Exception;
    }

    private Handler handle(JsonHandler handler) {
        return ctx -> {
            Object body;
            try {
                body = handler.handle(ctx);
            } catch (SchemaRegistryException e) {
                error(ctx, e.status(), e.errorCode(), e.getMessage());
                return;
            } catch (IllegalArgumentException e) {
                error(ctx, 422, 422, e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.error("schema registry request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, SchemaRegistryException.STORE_ERROR, "Internal error: " + e);
                return;
            }
            if (body instanceof String raw) {
                ctx.status(200).contentType("application/json").result(raw);
            } else {
                ctx.status(200).contentType(HttpSchemaRegistryClient.CONTENT_TYPE).result(JSON.writeValueAsString(body));
            }
        };
    }

    private static void error(Context ctx, int status, int code, String message) {
        ObjectNode body = JSON.createObjectNode().put("error_code", code).put("message", message);
        ctx.status(status).contentType(HttpSchemaRegistryClient.CONTENT_TYPE).result(body.toString());
    }

    private Object subjects(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        registry.subjects().forEach(out::add);
        return out;
    }

    private Object versions(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        registry.versions(ctx.pathParam("subject")).forEach(out::add);
        return out;
    }

    private Object register(Context ctx) {
        String subject = ctx.pathParam("subject");
        int id = registry.register(subject, schemaFromBody(ctx));
        return JSON.createObjectNode().put("id", id);
    }

    private Object version(Context ctx) {
        return versionJson(registry.version(ctx.pathParam("subject"), ctx.pathParam("version")));
    }

    private Object versionSchema(Context ctx) {
        return SchemaIds.canonical(registry.version(ctx.pathParam("subject"), ctx.pathParam("version")).schema());
    }

    private Object lookup(Context ctx) {
        return versionJson(registry.lookup(ctx.pathParam("subject"), schemaFromBody(ctx)));
    }

    private Object schemaById(Context ctx) {
        return JSON.createObjectNode().put("schema", SchemaIds.canonical(registry.byId(id(ctx))));
    }

    private Object rawSchemaById(Context ctx) {
        return SchemaIds.canonical(registry.byId(id(ctx)));
    }

    private Object usages(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        for (RegisteredSchema r : registry.usagesOf(id(ctx))) {
            out.addObject().put("subject", r.subject()).put("version", r.version());
        }
        return out;
    }

    private Object compatibility(Context ctx) {
        String version = ctx.pathParamMap().get("version");
        CompatibilityCheck check = registry.checkCompatibility(ctx.pathParam("subject"), version, schemaFromBody(ctx));
        ObjectNode out = JSON.createObjectNode().put("is_compatible", check.compatible());
        if ("true".equalsIgnoreCase(ctx.queryParam("verbose"))) {
            ArrayNode messages = out.putArray("messages");
            check.messages().forEach(messages::add);
        }
        return out;
    }

    private Object globalConfig(Context ctx) {
        return JSON.createObjectNode().put("compatibilityLevel", registry.globalCompatibility().name());
    }

    private Object setGlobalConfig(Context ctx) {
        CompatibilityLevel level = levelFromBody(ctx);
        registry.setCompatibility(null, level);
        return JSON.createObjectNode().put("compatibility", level.name());
    }

    private Object subjectConfig(Context ctx) {
        String subject = ctx.pathParam("subject");
        CompatibilityLevel level = registry.subjectCompatibility(subject).orElse(null);
        if (level == null) {
            if (!"true".equalsIgnoreCase(ctx.queryParam("defaultToGlobal"))) {
                throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_CONFIG_NOT_FOUND,
                        "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            level = registry.globalCompatibility();
        }
        return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }

    private Object setSubjectConfig(Context ctx) {
        CompatibilityLevel level = levelFromBody(ctx);
        registry.setCompatibility(ctx.pathParam("subject"), level);
        return JSON.createObjectNode().put("compatibility", level.name());
    }

    private Object deleteSubjectConfig(Context ctx) {
        return JSON.createObjectNode().put("compatibilityLevel", registry.deleteSubjectCompatibility(ctx.pathParam("subject")).name());
    }

    private static ObjectNode versionJson(RegisteredSchema r) {
        return JSON.createObjectNode().put("subject", r.subject()).put("version", r.version()).put("id", r.id())
                .put("schema", SchemaIds.canonical(r.schema()));
    }

    private static int id(Context ctx) {
        try {
            return Integer.parseInt(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw SchemaRegistryException.schemaNotFound("Schema " + ctx.pathParam("id") + " not found: not a schema id");
        }
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = JSON.readTree(new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw new SchemaRegistryException(422, 422, "Unprocessable entity: expected a JSON object body");
            }
            return node;
        } catch (IOException e) {
            throw new SchemaRegistryException(422, 422, "Unprocessable entity: body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static Schema schemaFromBody(Context ctx) {
        JsonNode body = body(ctx);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw SchemaRegistryException.invalidSchema("schema type " + type + " is not supported by Almanac's registry (Avro only)");
        }
        if (body.path("references").size() > 0) {
            throw SchemaRegistryException.invalidSchema("schema references are not supported by Almanac's registry");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw SchemaRegistryException.invalidSchema("the request needs a \"schema\" string field");
        }
        return RegistryState.parse(schema.asText());
    }

    private static CompatibilityLevel levelFromBody(Context ctx) {
        JsonNode body = body(ctx);
        String level = body.hasNonNull("compatibility") ? body.get("compatibility").asText() : body.path("compatibilityLevel").asText(null);
        try {
            return CompatibilityLevel.parse(level);
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level: " + e.getMessage());
        }
    }
}
