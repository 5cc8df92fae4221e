package dev.almanac.cli;

import dev.almanac.derived.TerminalView;
import java.util.List;

/**
 * Draws a derived table's {@link TerminalView} for {@code ./almanac demo}. Pure: contents in, text out.
 * Shows at most the view's limit of rows and says how many it left out.
 */
public final class DerivedText {

    private DerivedText() {
    }

    public static String render(TerminalView view, TerminalView.TableContents contents) {
        List<List<String>> rows = view.rows().apply(contents);
        TextTable t = new TextTable(view.columns());
        rows.stream().limit(view.limit()).forEach(t::add);
        int total = rows.size();
        String more = total > view.limit() ? "… " + (total - view.limit()) + " more rows (query the full table)\n" : "";
        return view.title() + " (" + total + ")\n" + (total == 0 ? "(none)\n" : t.render()) + more;
    }
}
