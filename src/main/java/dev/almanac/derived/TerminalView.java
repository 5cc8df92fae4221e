package dev.almanac.derived;

import dev.almanac.avro.Qualifier;
import dev.almanac.kafka.Topic;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A compact terminal table of a derived table, as {@code ./almanac demo} prints it: the kind says what to
 * show, the command line draws it. Pure: the rows are computed from the contents of the table's topics.
 *
 * @param heading the line above the table (the topics it shows)
 * @param title the table's title; the number of rows follows it
 * @param columns column headers
 * @param limit at most this many rows are shown; the rest are counted
 * @param rows every row to show, in reading order, one cell per column
 */
public record TerminalView(String heading, String title, List<String> columns, int limit,
                           Function<TableContents, List<List<String>>> rows) {

    public TerminalView {
        columns = List.copyOf(columns);
    }

    /** The current contents (one value per key) of output topics. */
    public interface TableContents {
        <V> Collection<V> of(Topic<?, V> topic);
    }

    /** A percentage with two decimals: {@code 33.16 %}. */
    public static String percent(double value) {
        return String.format(Locale.ROOT, "%.2f %%", value);
    }

    /** The qualifier's prefix symbol ({@code ~} for an estimate, empty for exact). */
    public static String qualifier(Qualifier qualifier) {
        return Qualifiers.symbol(qualifier);
    }
}
