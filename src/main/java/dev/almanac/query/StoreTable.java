package dev.almanac.query;

import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.TemporalTable;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * The Calcite face of a {@link TableDef}: it becomes a {@link StoreScan}, which takes the filters above
 * it for key pushdown and reads through the {@link Router}. A temporal table also accepts
 * {@code FOR SYSTEM_TIME AS OF} (the validator requires {@link TemporalTable}).
 */
class StoreTable extends AbstractTable implements TranslatableTable {

    private final TableDef def;
    private final Router router;

    StoreTable(TableDef def, Router router) {
        this.def = def;
        this.router = router;
    }

    static StoreTable of(TableDef def, Router router) {
        return def.temporal() ? new Temporal(def, router) : new StoreTable(def, router);
    }

    public TableDef def() {
        return def;
    }

    Router router() {
        return router;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        RelDataTypeFactory.Builder b = typeFactory.builder();
        for (Column c : def.columns()) {
            b.add(c.name(), typeFactory.createTypeWithNullability(typeFactory.createSqlType(c.type()), true));
        }
        return b.build();
    }

    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
        return StoreScan.create(context.getCluster(), relOptTable, this, null, java.util.List.of());
    }

    /** A table the validator accepts {@code FOR SYSTEM_TIME AS OF} on. */
    static final class Temporal extends StoreTable implements TemporalTable {
        Temporal(TableDef def, Router router) {
            super(def, router);
        }

        @Override
        public String getSysStartFieldName() {
            return "published";
        }

        @Override
        public String getSysEndFieldName() {
            return "published";
        }
    }
}
