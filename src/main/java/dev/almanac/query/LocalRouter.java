package dev.almanac.query;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A router for a single instance that hosts every partition (tests over a topology test driver, tools):
 * partitions are located with the table's partitioner over a fixed partition count.
 */
final class LocalRouter implements Router {

    private final LocalPartitionReader reader;
    private final int partitions;

    public LocalRouter(LocalPartitionReader reader, int partitions) {
        this.reader = reader;
        this.partitions = partitions;
    }

    @Override
    public List<Object[]> read(TableDef table, ReadRequest request) {
        Map<Integer, ReadRequest> plan = Router.plan(table, request, partitions, this::locate);
        PartitionAnswer answer = reader.read(table.name(), plan, false);
        if (!answer.failures().isEmpty()) {
            throw new QueryException(503, "partitions " + answer.failures().keySet() + " of " + table.routingStore()
                    + " are not available: " + answer.failures().values().iterator().next());
        }
        QueryContext ctx = QueryContext.current();
        answer.rows().keySet().forEach(p -> ctx.answered(answer.instance(), table.routingStore(), p, false));
        return Router.concat(table, answer.rows());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private int locate(TableDef.KeyRoute<?> route) {
        TableDef.KeyRoute raw = route;
        Optional<Set<Integer>> ps = raw.partitioner().partitions(null, raw.key(), null, partitions);
        return ps.map(s -> s.iterator().next()).orElse(0);
    }
}
