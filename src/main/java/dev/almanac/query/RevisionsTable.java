package dev.almanac.query;

import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ObservationKey;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.LatestHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code revisions}: every vintage of a key, oldest first, from the latest table's history, with the
 * change from the previous vintage. Needs the series: {@code WHERE indicator = ... AND region = ...}
 * (optionally {@code AND period = ...}), so that a query reads one series' history, not all of it.
 */
final class RevisionsTable implements TableDef {

    static final List<Column> COLUMNS = List.of(
            new Column("indicator", SqlTypeName.VARCHAR, "indicator code"),
            new Column("region", SqlTypeName.VARCHAR, "region code"),
            new Column("period", SqlTypeName.VARCHAR, "reference period"),
            new Column("vintage", SqlTypeName.INTEGER, "1 for the first publication of this key, 2 for the first revision, ..."),
            new Column("published", SqlTypeName.TIMESTAMP, "when this vintage was published"),
            new Column("superseded", SqlTypeName.TIMESTAMP, "when the next vintage replaced it; null for the standing one"),
            new Column("value", SqlTypeName.DOUBLE, "value in base units"),
            new Column("previous_value", SqlTypeName.DOUBLE, "the previous vintage's value; null for the first"),
            new Column("change", SqlTypeName.DOUBLE, "value - previous_value"),
            new Column("change_pct", SqlTypeName.DOUBLE, "100 * change / previous_value"),
            new Column("unit", SqlTypeName.VARCHAR, "unit code"),
            new Column("qualifier", SqlTypeName.VARCHAR, "exact, approx, more_than, less_than, estimate"),
            new Column("source", SqlTypeName.VARCHAR, "the document or publisher"),
            new Column("value_text", SqlTypeName.VARCHAR, "the value as written"),
            new Column("quote", SqlTypeName.VARCHAR, "the snippet of the source"),
            new Column("id", SqlTypeName.VARCHAR, "observation id"));

    /** Revisions are read from the latest table's history: they are keyed, stored and routed as it is. */
    private final LatestTable latest;

    RevisionsTable(TopicCatalogue topics) {
        this.latest = new LatestTable(topics);
    }

    @Override
    public String name() {
        return "revisions";
    }

    @Override
    public String description() {
        return "every vintage of a key with the change from the previous one; needs WHERE indicator = ... AND region = ...";
    }

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<String> keyColumns() {
        return latest.keyColumns();
    }

    @Override
    public int requiredKeyColumns() {
        return 2;
    }

    @Override
    public String requiredKeyMessage() {
        return "the revisions table needs a key predicate: WHERE indicator = '...' AND region = '...' [AND period = '...'] "
                + "(equality or IN); a query reads one series' history, not the whole store";
    }

    @Override
    public boolean temporal() {
        return latest.temporal();
    }

    @Override
    public String routingStore() {
        return latest.routingStore();
    }

    @Override
    public String sourceTopic() {
        return latest.sourceTopic();
    }

    @Override
    public Optional<KeyRoute<?>> route(List<String> prefix) {
        return latest.route(prefix);
    }

    @Override
    public List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request) {
        if (request.minPrefixLength() < 2) {
            throw QueryException.badRequest(requiredKeyMessage());
        }
        QueryContext ctx = QueryContext.current();
        List<Object[]> rows = new ArrayList<>();
        LatestHistory.Reader history = latest.history(stores, partition, allowStandby);
        long asOf = request.asOf() == null ? Long.MAX_VALUE : request.asOf();
        for (ObservationKey key : latest.keys(stores, partition, allowStandby, request, ctx)) {
            ctx.check();
            List<IndicatorObservation> vintages = history.vintages(key, asOf);
            Double previous = null;
            for (int i = 0; i < vintages.size(); i++) {
                IndicatorObservation o = vintages.get(i);
                // Superseded by the next vintage known by then; the last one stands.
                Long superseded = i + 1 < vintages.size() ? vintages.get(i + 1).getPublished().toEpochMilli() : null;
                Double change = previous == null ? null : o.getValue() - previous;
                Double pct = previous == null || previous == 0 ? null : 100 * change / previous;
                rows.add(new Object[] {key.getIndicator(), key.getRegion(), key.getPeriod(), i + 1, o.getPublished().toEpochMilli(),
                    superseded, o.getValue(), previous, change, pct, o.getUnit(), o.getQualifier().name(), o.getSource(),
                    o.getValueText(), o.getQuote(), o.getId()});
                previous = o.getValue();
            }
        }
        return rows;
    }
}
