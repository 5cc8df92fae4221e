package dev.almanac.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** How {@code almanac sql} prints rows: a text table for people, JSON Lines or CSV for programs. */
enum SqlOutput {
    table, json, csv;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The rows of one pull-query answer ({@code columns}, {@code rows}) in this format. */
    String render(List<String> columns, Iterable<JsonNode> rows) {
        StringBuilder out = new StringBuilder();
        switch (this) {
            case table -> {
                TextTable t = new TextTable(columns);
                rows.forEach(r -> t.add(SqlCommand.cells(r)));
                out.append(t.render());
            }
            case json -> rows.forEach(r -> out.append(jsonLine(columns, r)).append('\n'));
            case csv -> {
                out.append(csvLine(columns)).append("\r\n");
                rows.forEach(r -> out.append(csvRow(r)).append("\r\n"));
            }
        }
        return out.toString();
    }

    /** One row as a JSON object keyed by column name, values with their JSON types. */
    static String jsonLine(List<String> columns, JsonNode row) {
        ObjectNode o = MAPPER.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
            o.set(columns.get(i), row.get(i));
        }
        return o.toString();
    }

    static String csvRow(JsonNode row) {
        List<String> cells = new ArrayList<>();
        for (JsonNode v : row) {
            cells.add(v == null || v.isNull() ? "" : SqlCommand.format(v));
        }
        return csvLine(cells);
    }

    /** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
    static String csvLine(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            if (i > 0) {
                b.append(',');
            }
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Statements of a script: split at ';' outside quotes and comments; blank statements dropped. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (!single && !dbl && c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
                int nl = script.indexOf('\n', i);
                i = nl < 0 ? script.length() : nl;
                cur.append('\n');
                continue;
            }
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            }
            if (c == ';' && !single && !dbl) {
                if (!cur.toString().isBlank()) {
                    out.add(cur.toString().strip());
                }
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }
}
