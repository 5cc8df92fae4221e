package dev.almanac.query;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * A push query ({@code SELECT ... FROM t WHERE ... EMIT CHANGES [LIMIT n]}) compiled once and applied
 * to each batch of changed rows of {@code t}: the statement is prepared against a schema in which
 * {@code t} is the current batch, so Calcite evaluates the WHERE clause and the select list on the
 * changes exactly as it would on the table. One table, no aggregation, ordering or time travel:
 * those need the whole table and belong to pull queries.
 */
public final class PushQuery implements AutoCloseable {

    private final TableDef table;
    private final OptionalLong limit;
    private final CalciteSession session;
    private final PreparedStatement statement;
    private final List<QueryResult.ResultColumn> columns;
    private final Batch batch;

    private PushQuery(TableDef table, OptionalLong limit, CalciteSession session, PreparedStatement statement,
                      List<QueryResult.ResultColumn> columns, Batch batch) {
        this.table = table;
        this.limit = limit;
        this.session = session;
        this.statement = statement;
        this.columns = columns;
        this.batch = batch;
    }

    /**
     * @throws QueryException 400 when the statement is not a push query Almanac can run
     */
    public static PushQuery prepare(SqlEngine engine, String sql) {
        Statements.Push push = Statements.push(sql);
        String text = Statements.quoteReservedTableNames(push.query());
        SqlNode parsed = SqlErrors.parse(text);
        OptionalLong limit = push.limit();
        if (parsed instanceof SqlOrderBy orderBy) {
            if (orderBy.orderList != null && !orderBy.orderList.isEmpty()) {
                throw QueryException.badRequest("ORDER BY needs the whole table: push queries stream rows in the order they change");
            }
            if (orderBy.offset != null) {
                throw QueryException.badRequest("OFFSET is not supported in push queries");
            }
            if (orderBy.fetch != null) {
                if (!(orderBy.fetch instanceof SqlNumericLiteral n)) {
                    throw QueryException.badRequest("LIMIT must be a number");
                }
                long l = n.longValue(true);
                limit = OptionalLong.of(limit.isPresent() ? Math.min(limit.getAsLong(), l) : l);
            }
            parsed = orderBy.query;
        }
        if (!(parsed instanceof SqlSelect select)) {
            throw QueryException.badRequest("a push query is SELECT ... FROM <table> [WHERE ...] EMIT CHANGES [LIMIT n]");
        }
        if (select.getGroup() != null || select.getHaving() != null || (select.getWindowList() != null && !select.getWindowList().isEmpty())
                || select.isDistinct()) {
            throw QueryException.badRequest("GROUP BY, HAVING, DISTINCT and windows need the whole table: use a pull query");
        }
        String name = tableName(select.getFrom());
        TableDef def = engine.tables().require(name);
        if (def.changes().isEmpty()) {
            throw QueryException.badRequest("table " + name + " has no change topic to stream; EMIT CHANGES works on: "
                    + String.join(", ", engine.tables().all().stream().filter(t -> t.changes().isPresent()).map(TableDef::name).toList()));
        }
        select.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call.getOperator().isAggregator()) {
                    throw QueryException.badRequest("aggregate " + call.getOperator().getName() + " needs the whole table: use a pull query");
                }
                return super.visit(call);
            }
        });
        Batch batch = new Batch(def);
        CalciteSession session = CalciteSession.open(engine.schema(Map.of(def.name(), batch)));
        try {
            String prepared = select.toSqlString(c -> c.withDialect(org.apache.calcite.sql.dialect.CalciteSqlDialect.DEFAULT)).getSql();
            PreparedStatement ps = session.connection.prepareStatement(prepared);
            return new PushQuery(def, limit, session, ps, CalciteSession.columns(ps.getMetaData()), batch);
        } catch (SQLException e) {
            session.close();
            throw SqlErrors.translate(e);
        }
    }

    private static String tableName(SqlNode from) {
        SqlNode node = from;
        if (node != null && node.getKind() == SqlKind.AS) {
            node = ((SqlBasicCall) node).operand(0);
        }
        if (node != null && node.getKind() == SqlKind.SNAPSHOT) {
            throw QueryException.badRequest("FOR SYSTEM_TIME AS OF looks at the past; EMIT CHANGES streams the future: pick one");
        }
        if (!(node instanceof SqlIdentifier id) || id.isStar()) {
            throw QueryException.badRequest("a push query reads one table: SELECT ... FROM <table> [WHERE ...] EMIT CHANGES");
        }
        return id.names.get(id.names.size() - 1);
    }

    public TableDef table() {
        return table;
    }

    public OptionalLong limit() {
        return limit;
    }

    public List<QueryResult.ResultColumn> columns() {
        return columns;
    }

    /** The result rows the changed table rows produce, in order. */
    public List<List<Object>> apply(List<Object[]> changed, Duration timeLimit) throws Exception {
        if (changed.isEmpty()) {
            return List.of();
        }
        batch.rows = changed;
        QueryContext ctx = new QueryContext(timeLimit);
        return ctx.with(() -> {
            List<List<Object>> out = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                ResultRows.read(rs, columns, Long.MAX_VALUE, out, ctx);
            }
            return out;
        });
    }

    @Override
    public void close() {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // nothing held outside the JVM
        }
        session.close();
    }

    /** The table as the batch of changes being evaluated. */
    static final class Batch extends AbstractTable implements ScannableTable {
        private final TableDef def;
        volatile List<Object[]> rows = List.of();

        Batch(TableDef def) {
            this.def = def;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            return StoreTable.of(def, null).getRowType(typeFactory);
        }

        @Override
        public Enumerable<Object[]> scan(DataContext root) {
            return Linq4j.asEnumerable(rows);
        }
    }
}
