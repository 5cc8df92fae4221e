package dev.almanac.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/** Finds the instances holding a table's partitions, reads them and merges the rows; never returns a partial answer. */
public interface Router {

    /**
     * Every row of {@code table} matching {@code request}, from all the partitions it needs. Records in
     * {@link QueryContext#current()} which instance answered which partition.
     *
     * @throws QueryException 503 when some partition could not be read within the time limit
     */
    List<Object[]> read(TableDef table, ReadRequest request);

    /**
     * Which partitions a request needs and what to ask each: a prefix with a route goes to its
     * partition only; a full scan or a prefix spanning partitions goes to all of them.
     *
     * @param locate the partition of a routed prefix
     */
    static Map<Integer, ReadRequest> plan(TableDef table, ReadRequest request, int partitions,
                                          ToIntFunction<TableDef.KeyRoute<?>> locate) {
        if (request.minPrefixLength() < table.requiredKeyColumns()) {
            throw QueryException.badRequest(table.requiredKeyMessage());
        }
        Map<Integer, ReadRequest> plan = new TreeMap<>();
        if (request.fullScan()) {
            for (int p = 0; p < partitions; p++) {
                plan.put(p, request);
            }
            return plan;
        }
        List<List<String>> spanning = new ArrayList<>();
        Map<Integer, List<List<String>>> routed = new LinkedHashMap<>();
        for (List<String> prefix : request.prefixes()) {
            var route = table.route(prefix);
            if (route.isPresent()) {
                routed.computeIfAbsent(locate.applyAsInt(route.get()), p -> new ArrayList<>()).add(prefix);
            } else {
                spanning.add(prefix);
            }
        }
        for (int p = 0; p < partitions; p++) {
            List<List<String>> mine = new ArrayList<>(spanning);
            mine.addAll(routed.getOrDefault(p, List.of()));
            if (!mine.isEmpty()) {
                plan.put(p, request.withPrefixes(mine));
            }
        }
        return plan;
    }

    /** Rows of all partitions, in partition order, merged by the table. */
    static List<Object[]> concat(TableDef table, Map<Integer, List<Object[]>> byPartition) {
        List<Object[]> rows = new ArrayList<>();
        new TreeMap<>(byPartition).values().forEach(rows::addAll);
        return table.merge(rows);
    }
}
