package dev.almanac.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** Reads partitions of a table from this instance's stores: for the local router and for peers asking over HTTP. */
public final class LocalPartitionReader {

    private final LocalStores stores;
    private final TableRegistry tables;

    public LocalPartitionReader(LocalStores stores, TableRegistry tables) {
        this.stores = stores;
        this.tables = tables;
    }

    public String instance() {
        return stores.instance();
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
