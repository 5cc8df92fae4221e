package dev.almanac.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The queryable tables by name. Adding a table is one {@link #register} call. */
public final class TableRegistry {

    private final Map<String, TableDef> tables = new LinkedHashMap<>();

    public TableRegistry register(TableDef table) {
        if (tables.putIfAbsent(table.name(), table) != null) {
            throw new IllegalArgumentException("table " + table.name() + " is registered twice");
        }
        return this;
    }

    public Optional<TableDef> get(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    public TableDef require(String name) {
        TableDef t = tables.get(name);
        if (t == null) {
            throw new QueryException(404, "unknown table " + name + "; known tables: " + String.join(", ", names()));
        }
        return t;
    }

    public Collection<TableDef> all() {
        return tables.values();
    }

    public List<String> names() {
        return new ArrayList<>(tables.keySet());
    }

    /** Every table with its columns, key and features, for {@code GET /tables}. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TableDef def : tables.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", def.name());
            m.put("description", def.description());
            List<Map<String, Object>> cols = new ArrayList<>();
            for (Column c : def.columns()) {
                Map<String, Object> col = new LinkedHashMap<>();
                col.put("name", c.name());
                col.put("type", c.type().getName());
                col.put("doc", c.doc());
                cols.add(col);
            }
            m.put("columns", cols);
            m.put("key", def.keyColumns());
            m.put("required_key_columns", def.requiredKeyColumns());
            m.put("as_of", def.temporal());
            m.put("emit_changes", def.changes().isPresent());
            out.add(m);
        }
        return out;
    }
}
