package dev.almanac.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** Reads partitions of a table from this instance's stores: for the local router and for peers asking over HTTP. */
public final class LocalPartitionReader {

    private final Map<TableDef.Application, LocalStores> stores;
    private final TableRegistry tables;

    /** A reader over one application's stores (the foundation's). */
    public LocalPartitionReader(LocalStores stores, TableRegistry tables) {
        this(Map.of(TableDef.Application.FOUNDATION, stores), tables);
    }

    /** A reader over the stores of each application running here (all under the same instance name). */
    public LocalPartitionReader(Map<TableDef.Application, LocalStores> stores, TableRegistry tables) {
        this.stores = Map.copyOf(stores);
        this.tables = tables;
    }

    public String instance() {
        return stores.values().iterator().next().instance();
    }

    public TableRegistry tables() {
        return tables;
    }

    /**
     * Reads each requested partition; a partition that is not available here is reported in the
     * answer's failures, not thrown.
     *
     * @throws QueryException when the request itself is wrong (e.g. a missing key predicate)
     */
    public PartitionAnswer read(String table, Map<Integer, ReadRequest> requests, boolean allowStandby) {
        TableDef def = tables.require(table);
        LocalStores stores = this.stores.get(def.application());
        if (stores == null) {
            throw new QueryException(503, "the " + def.application().name().toLowerCase(java.util.Locale.ROOT)
                    + " application does not run here, so table " + table + " cannot be read");
        }
        Map<Integer, List<Object[]>> rows = new LinkedHashMap<>();
        Map<Integer, String> failures = new LinkedHashMap<>();
        for (Map.Entry<Integer, ReadRequest> e : requests.entrySet()) {
            QueryContext.current().check();
            try {
                rows.put(e.getKey(), def.readPartition(stores, e.getKey(), allowStandby, e.getValue()));
            } catch (StoreUnavailableException | InvalidStateStoreException ex) {
                failures.put(e.getKey(), ex.getMessage());
            }
        }
        return new PartitionAnswer(stores.instance(), rows, failures);
    }
}
