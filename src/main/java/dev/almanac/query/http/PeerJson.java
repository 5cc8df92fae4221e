package dev.almanac.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.almanac.query.Column;
import dev.almanac.query.PartitionAnswer;
import dev.almanac.query.ReadRequest;
import dev.almanac.query.TableDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instance-to-instance read protocol, {@code POST /internal/read}:
 * <pre>
 * {"table": "latest", "standby": false, "timeout_ms": 29000,
 *  "partitions": {"2": {"full_scan": false, "prefixes": [["gdp", "CN-BJ"]], "index_prefixes": [], "as_of": null}}}
 * → {"instance": "10.0.0.5:8088", "rows": {"2": [[...], ...]}, "failures": {}}
 * </pre>
 * Rows are arrays in the table's column order; timestamps travel as epoch milliseconds.
 */
final class PeerJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private PeerJson() {
    }

    /** A decoded read request. */
    record Read(String table, boolean standby, long timeoutMillis, Map<Integer, ReadRequest> partitions) {
    }

    static byte[] request(String table, Map<Integer, ReadRequest> partitions, boolean standby, long timeoutMillis) throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("table", table);
        root.put("standby", standby);
        root.put("timeout_ms", timeoutMillis);
        ObjectNode ps = root.putObject("partitions");
        partitions.forEach((p, r) -> {
            ObjectNode n = ps.putObject(Integer.toString(p));
            n.put("full_scan", r.fullScan());
            ArrayNode prefixes = n.putArray("prefixes");
            r.prefixes().forEach(prefix -> {
                ArrayNode a = prefixes.addArray();
                prefix.forEach(a::add);
            });
            ArrayNode index = n.putArray("index_prefixes");
            r.indexPrefixes().forEach(index::add);
            if (r.asOf() == null) {
                n.putNull("as_of");
            } else {
                n.put("as_of", r.asOf());
            }
        });
        return MAPPER.writeValueAsBytes(root);
    }

    static Read parseRequest(byte[] body) throws Exception {
        JsonNode root = MAPPER.readTree(body);
        Map<Integer, ReadRequest> partitions = new LinkedHashMap<>();
        var fields = root.path("partitions").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            JsonNode n = e.getValue();
            List<List<String>> prefixes = new ArrayList<>();
            n.path("prefixes").forEach(a -> {
                List<String> prefix = new ArrayList<>();
                a.forEach(v -> prefix.add(v.asText()));
                prefixes.add(prefix);
            });
            List<String> index = new ArrayList<>();
            n.path("index_prefixes").forEach(v -> index.add(v.asText()));
            Long asOf = n.path("as_of").isNumber() ? n.path("as_of").asLong() : null;
            partitions.put(Integer.parseInt(e.getKey()), new ReadRequest(n.path("full_scan").asBoolean(), prefixes, index, asOf));
        }
        return new Read(root.path("table").asText(), root.path("standby").asBoolean(), root.path("timeout_ms").asLong(30_000), partitions);
    }

    static byte[] answer(PartitionAnswer a) throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("instance", a.instance());
        ObjectNode rows = root.putObject("rows");
        a.rows().forEach((p, list) -> rows.set(Integer.toString(p), MAPPER.valueToTree(list)));
        ObjectNode failures = root.putObject("failures");
        a.failures().forEach((p, why) -> failures.put(Integer.toString(p), why));
        return MAPPER.writeValueAsBytes(root);
    }

    static PartitionAnswer parseAnswer(byte[] body, TableDef table) throws Exception {
        JsonNode root = MAPPER.readTree(body);
        List<Column> columns = table.columns();
        Map<Integer, List<Object[]>> rows = new LinkedHashMap<>();
        var fields = root.path("rows").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            List<Object[]> list = new ArrayList<>();
            for (JsonNode r : e.getValue()) {
                Object[] row = new Object[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    JsonNode v = r.get(i);
                    row[i] = v == null || v.isNull() ? null : columns.get(i).fromJson(v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.asText());
                }
                list.add(row);
            }
            rows.put(Integer.parseInt(e.getKey()), list);
        }
        Map<Integer, String> failures = new LinkedHashMap<>();
        var fs = root.path("failures").fields();
        while (fs.hasNext()) {
            var e = fs.next();
            failures.put(Integer.parseInt(e.getKey()), e.getValue().asText());
        }
        return new PartitionAnswer(root.path("instance").asText(), rows, failures);
    }
}
