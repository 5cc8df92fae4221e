package dev.almanac.derived.registration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.observation.FieldLimits;
import dev.almanac.observation.Published;
import dev.almanac.observation.Regions;
import dev.almanac.observation.Rejection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads and checks a model registration from one JSON object: {@code id}, {@code model_name},
 * {@code organization}, {@code region}, {@code registration_date} (YYYY-MM-DD), {@code published} (as for
 * observations), optional {@code source}. Other fields are ignored.
 */
public final class RegistrationJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RegistrationJson() {
    }

    /**
     * @throws Rejection.Exception naming the field and the problem
     */
    public static ModelRegistration parse(byte[] utf8) {
        JsonNode n;
        try {
            n = MAPPER.readTree(utf8);
        } catch (IOException e) {
            throw new Rejection.Exception(Rejection.Reason.UNDECODABLE, null, "not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new Rejection.Exception(Rejection.Reason.UNDECODABLE, null, "not a JSON object");
        }
        String date = text(n, "registration_date");
        LocalDate registered;
        try {
            registered = date == null ? null : LocalDate.parse(date.trim());
        } catch (DateTimeParseException e) {
            throw new Rejection.Exception(Rejection.Reason.BAD_VALUE, "registration_date",
                    "registration_date '" + date + "' is not a date YYYY-MM-DD");
        }
        String published = text(n, "published");
        if (published == null || published.isBlank()) {
            throw new Rejection.Exception(Rejection.Reason.MISSING_FIELD, "published", "field 'published' is missing");
        }
        if (registered == null) {
            throw new Rejection.Exception(Rejection.Reason.MISSING_FIELD, "registration_date", "field 'registration_date' is missing");
        }
        java.time.Instant publishedAt;
        try {
            publishedAt = Published.parse(published);
        } catch (IllegalArgumentException e) {
            throw new Rejection.Exception(Rejection.Reason.BAD_PUBLISHED, "published", e.getMessage());
        }
        ModelRegistration r = new ModelRegistration(text(n, "id"), text(n, "model_name"), text(n, "organization"),
                text(n, "region"), registered, publishedAt, text(n, "source"));
        return validate(r);
    }

    public static ModelRegistration parse(String line) {
        return parse(line.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The rules every accepted registration satisfies, whatever format it arrived in.
     *
     * @return the registration with trimmed fields
     * @throws Rejection.Exception with the first rule broken
     */
    public static ModelRegistration validate(ModelRegistration r) {
        FieldLimits.check("id", r.getId());
        FieldLimits.check("model_name", r.getModelName());
        FieldLimits.check("organization", r.getOrganization());
        FieldLimits.check("region", r.getRegion());
        FieldLimits.check("source", r.getSource());
        String id = require(r.getId(), "id");
        String model = require(r.getModelName(), "model_name");
        String org = require(r.getOrganization(), "organization");
        String region = require(r.getRegion(), "region");
        if (!Regions.isValid(region)) {
            throw new Rejection.Exception(Rejection.Reason.BAD_REGION, "region",
                    "region '" + region + "' does not match ^[A-Z]{2}(-[A-Z0-9]{1,12})*$ and is not WORLD");
        }
        if (r.getRegistrationDate() == null) {
            throw new Rejection.Exception(Rejection.Reason.MISSING_FIELD, "registration_date", "field 'registration_date' is missing");
        }
        if (r.getPublished() == null) {
            throw new Rejection.Exception(Rejection.Reason.MISSING_FIELD, "published", "field 'published' is missing");
        }
        if (r.getPublished().isBefore(r.getRegistrationDate().atStartOfDay(ZoneOffset.UTC).toInstant())) {
            throw new Rejection.Exception(Rejection.Reason.BAD_PUBLISHED, "published",
                    "published " + r.getPublished() + " is before registration_date " + r.getRegistrationDate());
        }
        return new ModelRegistration(id, model, org, region, r.getRegistrationDate(), r.getPublished(),
                r.getSource() == null || r.getSource().isBlank() ? null : r.getSource().trim());
    }

    /** Writes a registration as one JSON object (the form {@link #parse} reads). */
    public static String toJson(ModelRegistration r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", r.getId());
        n.put("model_name", r.getModelName());
        n.put("organization", r.getOrganization());
        n.put("region", r.getRegion());
        n.put("registration_date", r.getRegistrationDate().toString());
        n.put("published", Published.format(r.getPublished().toEpochMilli()));
        if (r.getSource() != null) {
            n.put("source", r.getSource());
        }
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new Rejection.Exception(Rejection.Reason.MISSING_FIELD, field, "field '" + field + "' is missing");
        }
        return value.trim();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new Rejection.Exception(Rejection.Reason.BAD_VALUE, field, "field '" + field + "' must be a string");
        }
        return FieldLimits.check(field, v.asText());
    }
}
