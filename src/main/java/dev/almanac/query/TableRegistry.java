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
}
