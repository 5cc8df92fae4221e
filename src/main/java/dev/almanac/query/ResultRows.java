package dev.almanac.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;

/** Reads JDBC result rows into JSON-ready values. Calcite timestamps carry no zone: Almanac's are UTC. */
final class ResultRows {

    private static final ThreadLocal<Calendar> UTC = ThreadLocal.withInitial(() -> Calendar.getInstance(TimeZone.getTimeZone("UTC")));

    private ResultRows() {
    }

    static List<QueryResult.ResultColumn> columns(RelDataType rowType) {
        List<QueryResult.ResultColumn> cols = new ArrayList<>();
        for (RelDataTypeField f : rowType.getFieldList()) {
            cols.add(new QueryResult.ResultColumn(f.getName(), f.getType().getSqlTypeName().getName()));
        }
        return cols;
    }

    /** Reads up to {@code max} rows; returns whether more were left. */
    static boolean read(ResultSet rs, List<QueryResult.ResultColumn> columns, long max, List<List<Object>> out, QueryContext ctx)
            throws SQLException {
        while (rs.next()) {
            if ((out.size() & 255) == 0) {
                ctx.check();
            }
            if (out.size() >= max) {
                return true;
            }
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                row.add(value(rs, i + 1, columns.get(i).type()));
            }
            out.add(row);
        }
        return false;
    }

    private static Object value(ResultSet rs, int i, String type) throws SQLException {
        switch (type) {
            case "TIMESTAMP": {
                Timestamp t = rs.getTimestamp(i, UTC.get());
                return t == null ? null : Instant.ofEpochMilli(t.getTime()).toString();
            }
            case "DATE": {
                java.sql.Date d = rs.getDate(i, UTC.get());
                return d == null ? null : LocalDate.ofEpochDay(Math.floorDiv(d.getTime(), 86_400_000L)).toString();
            }
            case "TIME": {
                java.sql.Time t = rs.getTime(i, UTC.get());
                return t == null ? null : java.time.LocalTime.ofNanoOfDay(Math.floorMod(t.getTime(), 86_400_000L) * 1_000_000L).toString();
            }
            default: {
                Object v = rs.getObject(i);
                if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                    return d.toString();
                }
                return v;
            }
        }
    }
}
