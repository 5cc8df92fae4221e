package dev.almanac.query;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Statement text handling before Calcite sees it: trailing semicolons, and ksqlDB's {@code EMIT CHANGES} suffix. */
public final class Statements {

    private static final Pattern PUSH = Pattern.compile("(?is)^(.*?)\\s+EMIT\\s+CHANGES(?:\\s+LIMIT\\s+(\\d+))?\\s*$");

    private Statements() {
    }

    /** Trims whitespace and trailing semicolons. */
    public static String clean(String sql) {
        if (sql == null) {
            throw QueryException.badRequest("no SQL given");
        }
        String s = sql.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        if (s.isEmpty()) {
            throw QueryException.badRequest("no SQL given");
        }
        return s;
    }

    /**
     * Quotes the table name {@code current}, a reserved word in SQL, wherever it stands as a bare word
     * (not in strings, quoted names or comments, and not in {@code CURRENT ROW}, {@code CURRENT VALUE FOR}
     * or {@code CURRENT OF}), so that {@code SELECT * FROM current} works as users expect.
     */
    static String quoteReservedTableNames(String sql) {
        StringBuilder out = new StringBuilder(sql.length() + 8);
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                j = Math.min(j + 1, n);
                out.append(sql, i, j);
                i = j;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int j = sql.indexOf('\n', i);
                j = j < 0 ? n : j;
                out.append(sql, i, j);
                i = j;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int j = sql.indexOf("*/", i + 2);
                j = j < 0 ? n : j + 2;
                out.append(sql, i, j);
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
                    j++;
                }
                String word = sql.substring(i, j);
                if (word.equalsIgnoreCase("current") && !NOT_A_NAME.matcher(sql.substring(j)).lookingAt()) {
                    out.append("\"current\"");
                } else {
                    out.append(word);
                }
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static final Pattern NOT_A_NAME = Pattern.compile("(?i)\\s+(ROW|VALUE|OF)\\b");

    /** Whether a cleaned statement ends with {@code EMIT CHANGES [LIMIT n]}. */
    public static boolean isPush(String cleaned) {
        return PUSH.matcher(cleaned).matches();
    }

    /**
     * A push statement split into the query Calcite parses and the limit given after {@code EMIT CHANGES}.
     *
     * @param query the statement without the suffix
     * @param limit the row limit written after EMIT CHANGES, if any
     */
    record Push(String query, OptionalLong limit) {
    }

    /** Splits a push statement; a statement without EMIT CHANGES is refused. */
    static Push push(String sql) {
        Matcher m = PUSH.matcher(clean(sql));
        if (!m.matches()) {
            throw QueryException.badRequest("a push query ends with EMIT CHANGES (optionally followed by LIMIT n); for a pull query use POST /query");
        }
        return new Push(m.group(1), m.group(2) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(2))));
    }
}
