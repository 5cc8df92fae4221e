package dev.almanac.query;

import java.util.List;
import java.util.Map;

/**
 * The answer to a pull query.
 *
 * @param columns result columns with their SQL types
 * @param rows rows, values as JSON-ready Java values (timestamps as ISO-8601 UTC strings)
 * @param truncated whether rows stop at the row cap (more rows matched)
 * @param instances which instance answered which store partitions
 * @param elapsedMillis time from receipt to the last row
 */
public record QueryResult(List<ResultColumn> columns, List<List<Object>> rows, boolean truncated,
                          List<Map<String, Object>> instances, double elapsedMillis) {

    /** A result column. */
    public record ResultColumn(String name, String type) {
    }
}
