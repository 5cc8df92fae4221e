package dev.almanac.region;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.avro.Region;
import dev.almanac.observation.Regions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the region hierarchy from JSON Lines ({@code data/regions.jsonl}): one object per line with
 * {@code code}, {@code parent} (null for a root), {@code name_en}, {@code name_zh}, {@code kind}. Pure:
 * the caller reads the file and produces the records to {@code <prefix>.regions}, keyed by
 * {@link Region#getCode()} as a UTF-8 string.
 */
public final class RegionJson {

    /** The kinds a region may have. */
    static final Set<String> KINDS = Set.of("group", "country", "province", "city", "district", "zone");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RegionJson() {
    }

    /** A line that is not a valid region. */
    public static final class InvalidRegion extends RuntimeException {
        public InvalidRegion(String message) {
            super(message);
        }
    }

    /**
     * Parses one line.
     *
     * @throws InvalidRegion naming the field
     */
    public static Region parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (IOException e) {
            throw new InvalidRegion("not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRegion("not a JSON object");
        }
        String code = text(n, "code", true);
        if (!Regions.isValid(code)) {
            throw new InvalidRegion("code '" + code + "' does not match ^[A-Z]{2}(-[A-Z0-9]{1,12})*$ and is not WORLD");
        }
        String parent = text(n, "parent", false);
        if (parent != null && !Regions.isValid(parent)) {
            throw new InvalidRegion("parent '" + parent + "' of " + code + " is not a region code");
        }
        if (code.equals(parent)) {
            throw new InvalidRegion("region " + code + " is its own parent");
        }
        String kind = text(n, "kind", true);
        if (!KINDS.contains(kind)) {
            throw new InvalidRegion("kind '" + kind + "' of " + code + " is not one of " + String.join(", ", KINDS.stream().sorted().toList()));
        }
        return new Region(code, parent, text(n, "name_en", true), text(n, "name_zh", true), kind);
    }

    /**
     * Parses a whole file's lines (blank lines and lines starting with {@code #} skipped), checking that
     * codes are unique and that the parents form no cycle. Parents need not be listed: a region whose
     * parent is unknown is a root until the parent arrives.
     *
     * @throws InvalidRegion with {@code line N:} in front of the message
     */
    public static List<Region> parseAll(List<String> lines) {
        Map<String, Region> byCode = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Region r;
            try {
                r = parse(line);
            } catch (InvalidRegion e) {
                throw new InvalidRegion("line " + (i + 1) + ": " + e.getMessage());
            }
            if (byCode.putIfAbsent(r.getCode(), r) != null) {
                throw new InvalidRegion("line " + (i + 1) + ": region " + r.getCode() + " is listed twice");
            }
        }
        for (Region r : byCode.values()) {
            List<String> path = new ArrayList<>();
            String at = r.getCode();
            while (at != null) {
                if (path.contains(at)) {
                    path.add(at);
                    throw new InvalidRegion("the parents form a cycle: " + String.join(" → ", path));
                }
                path.add(at);
                Region node = byCode.get(at);
                at = node == null ? null : node.getParent();
            }
        }
        return List.copyOf(byCode.values());
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidRegion("field '" + field + "' is missing");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new InvalidRegion("field '" + field + "' must be a non-empty string");
        }
        return v.asText().trim();
    }
}
