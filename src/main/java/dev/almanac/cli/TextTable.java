package dev.almanac.cli;

import java.util.ArrayList;
import java.util.List;

/** Renders rows as an aligned text table; CJK characters count two columns wide. */
public final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(List<String> header) {
        this.header = header;
    }

    public TextTable add(List<String> row) {
        rows.add(row);
        return this;
    }

    public int size() {
        return rows.size();
    }

    public String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = width(header.get(i));
        }
        for (List<String> r : rows) {
            for (int i = 0; i < r.size() && i < widths.length; i++) {
                widths[i] = Math.max(widths[i], width(r.get(i)));
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        line(sb, rule, widths);
        for (List<String> r : rows) {
            line(sb, r, widths);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] widths) {
        for (int i = 0; i < widths.length; i++) {
            String c = i < cells.size() && cells.get(i) != null ? cells.get(i) : "";
            sb.append(c);
            if (i < widths.length - 1) {
                sb.append(" ".repeat(widths[i] - width(c) + 2));
            }
        }
        sb.append('\n');
    }

    /** Display width: East Asian wide characters take two columns. */
    static int width(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            w += wide(cp) ? 2 : 1;
            i += Character.charCount(cp);
        }
        return w;
    }

    private static boolean wide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60)
                || (cp >= 0xFFE0 && cp <= 0xFFE6);
    }
}
