package dev.almanac.query;

import org.apache.calcite.sql.type.SqlTypeName;

/**
 * One column of a queryable table.
 *
 * @param name column name, lower case
 * @param type SQL type: VARCHAR, DOUBLE, BIGINT, INTEGER, BOOLEAN, DATE (days since 1970-01-01) or TIMESTAMP
 *             (epoch millis, UTC)
 * @param doc one-line description for {@code GET /tables}
 */
public record Column(String name, SqlTypeName type, String doc) {

    /** Converts a value read from JSON (a peer's answer) back into the Java type Calcite expects for this column. */
    public Object fromJson(Object v) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case DOUBLE -> ((Number) v).doubleValue();
            case BIGINT, TIMESTAMP -> ((Number) v).longValue();
            case INTEGER, DATE -> ((Number) v).intValue();
            case BOOLEAN -> (Boolean) v;
            default -> v.toString();
        };
    }
}
