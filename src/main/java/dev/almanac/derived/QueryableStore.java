package dev.almanac.derived;

import dev.almanac.kafka.Topic;
import org.apache.avro.specific.SpecificRecord;

/**
 * A store of a derived table that the SQL query API serves as a table.
 *
 * @param nameSuffix appended to the table's SQL name ({@code ""}, or {@code "_cumulative"} for one of several)
 * @param doc one line saying what a row is
 * @param store the key-value store's name
 * @param valueType the Avro record the store holds (its fields become the columns)
 * @param changes the compacted topic every change of the store is written to (push queries tail it)
 */
public record QueryableStore(String nameSuffix, String doc, String store, Class<? extends SpecificRecord> valueType,
                             Topic<?, ? extends SpecificRecord> changes) {
}
