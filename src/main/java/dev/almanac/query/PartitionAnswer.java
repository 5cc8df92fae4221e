package dev.almanac.query;

import java.util.List;
import java.util.Map;

/**
 * What one instance answered for a batch of partitions of one table.
 *
 * @param instance the answering instance (host:port)
 * @param rows rows per partition that could be read
 * @param failures why each other partition could not be read there
 */
public record PartitionAnswer(String instance, Map<Integer, List<Object[]>> rows, Map<Integer, String> failures) {

    public PartitionAnswer {
        rows = Map.copyOf(rows);
        failures = Map.copyOf(failures);
    }
}
