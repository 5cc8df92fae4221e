package dev.almanac.query;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexNode;

/**
 * Scan of a {@link StoreTable}, optionally as of a time, with the filters that may narrow what is read
 * (key pushdown). The filters stay above the scan too, so Calcite still applies them. Runs as
 * Enumerable code that calls a {@link Scanner} object (stashed in the data context), so a prepared
 * statement runs again without recompiling anything; dynamic parameters ({@code ?}) in the filters are
 * resolved from the data context at run time.
 */
final class StoreScan extends TableScan implements EnumerableRel {

    private final StoreTable table;
    private final Long asOf;
    private final ImmutableList<RexNode> filters;

    private StoreScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable relOptTable, StoreTable table, Long asOf,
                      List<RexNode> filters) {
        super(cluster, traits, ImmutableList.of(), relOptTable);
        this.table = table;
        this.asOf = asOf;
        this.filters = ImmutableList.copyOf(filters);
    }

    static StoreScan create(RelOptCluster cluster, RelOptTable relOptTable, StoreTable table, Long asOf, List<RexNode> filters) {
        return new StoreScan(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), relOptTable, table, asOf, filters);
    }

    StoreTable storeTable() {
        return table;
    }

    Long asOf() {
        return asOf;
    }

    List<RexNode> filters() {
        return filters;
    }

    StoreScan withAsOf(long millis) {
        return new StoreScan(getCluster(), getTraitSet(), getTable(), table, millis, filters);
    }

    StoreScan withFilters(List<RexNode> pushed) {
        return new StoreScan(getCluster(), getTraitSet(), getTable(), table, asOf, pushed);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new StoreScan(getCluster(), traitSet, getTable(), table, asOf, filters);
    }

    @Override
    public void register(RelOptPlanner planner) {
        planner.addRule(StoreRules.FILTER);
        planner.addRule(StoreRules.SNAPSHOT);
        planner.addRule(StoreRules.SNAPSHOT_PROJECT);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        // The digest comes from here: scans at different times or with different filters must differ.
        return super.explainTerms(pw)
                .itemIf("asOf", asOf == null ? null : java.time.Instant.ofEpochMilli(asOf).toString(), asOf != null)
                .itemIf("pushdown", filters, !filters.isEmpty());
    }

    @Override
    public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        RelOptCost cost = super.computeSelfCost(planner, mq);
        // Prefer the variant that carries the filters: it may read far less.
        return cost == null || filters.isEmpty() ? cost : cost.multiplyBy(0.1);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        Expression scanner = implementor.stash(new Scanner(table, asOf, filters), Scanner.class);
        return implementor.result(physType,
                Blocks.toBlock(Expressions.call(scanner, "scan", implementor.getRootExpression())));
    }

    /** What the generated code calls at run time. */
    public static final class Scanner {
        private final StoreTable table;
        private final Long asOf;
        private final List<RexNode> filters;
        private final List<Integer> keyIndexes = new ArrayList<>();
        private final int indexColumn;

        Scanner(StoreTable table, Long asOf, List<RexNode> filters) {
            this.table = table;
            this.asOf = asOf;
            this.filters = filters;
            for (String k : table.def().keyColumns()) {
                keyIndexes.add(table.def().columnIndex(k));
            }
            this.indexColumn = table.def().indexColumn().map(c -> table.def().columnIndex(c)).orElse(-1);
        }

        public Enumerable<Object[]> scan(DataContext root) {
            KeyFilter.Pushdown pushdown = KeyFilter.extract(filters, keyIndexes, indexColumn, i -> root.get("?" + i));
            if (pushdown.none()) {
                return Linq4j.emptyEnumerable();
            }
            return Linq4j.asEnumerable(table.router().read(table.def(), pushdown.request(asOf)));
        }
    }
}
