package dev.almanac.query;

import java.util.ArrayList;
import java.util.List;

/**
 * A small lexer for statement text, enough to find string literals, {@code ?} parameters, words and
 * punctuation without Calcite's parser: the statement cache keys statements by their text with the
 * literals masked, and the key-lookup fast path recognizes its one shape from these tokens. Comments
 * are skipped (and noted); anything the lexer does not know is a one-character {@link Kind#OTHER}.
 */
final class SqlTokens {

    enum Kind { WORD, QUOTED_NAME, STRING, PARAMETER, NUMBER, OTHER }

    /**
     * @param start offset of the first character (the opening quote for strings and names)
     * @param end offset after the last character
     * @param value a string's or quoted name's content with doubled quotes undone; the text otherwise
     * @param plain for strings: a bare {@code '...'} literal, not prefixed ({@code N'..'}, {@code X'..'}, {@code _utf8'..'})
     */
    record Token(Kind kind, int start, int end, String value, boolean plain) {
        boolean is(String word) {
            return kind == Kind.WORD && value.equalsIgnoreCase(word);
        }

        boolean isChar(char c) {
            return kind == Kind.OTHER && value.length() == 1 && value.charAt(0) == c;
        }
    }

    /** The tokens, and whether the text had comments or an unterminated quote. */
    record Lexed(String text, List<Token> tokens, boolean comments, boolean unterminated) {

        /** The string literals, in text order. */
        List<Token> strings() {
            return tokens.stream().filter(t -> t.kind() == Kind.STRING).toList();
        }

        int parameters() {
            return (int) tokens.stream().filter(t -> t.kind() == Kind.PARAMETER).count();
        }

        /**
         * The text with the content of every plain string literal taken out: statements that differ
         * only in those literals share it. Null when the text cannot be keyed safely.
         */
        String skeleton() {
            if (unterminated || text.indexOf('\u0001') >= 0) {
                return null;
            }
            StringBuilder sb = new StringBuilder(text.length());
            int at = 0;
            for (Token t : tokens) {
                if (t.kind() == Kind.STRING && t.plain()) {
                    sb.append(text, at, t.start()).append("'\u0001'");
                    at = t.end();
                }
            }
            return sb.append(text, at, text.length()).toString();
        }
    }

    private SqlTokens() {
    }

    static Lexed lex(String sql) {
        List<Token> out = new ArrayList<>();
        boolean comments = false;
        boolean unterminated = false;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                StringBuilder value = new StringBuilder();
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            value.append(c);
                            j += 2;
                            continue;
                        }
                        closed = true;
                        j++;
                        break;
                    }
                    value.append(d);
                    j++;
                }
                unterminated |= !closed;
                boolean plain = i == 0 || !(Character.isLetterOrDigit(sql.charAt(i - 1)) || "_&$".indexOf(sql.charAt(i - 1)) >= 0);
                out.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_NAME, i, j, value.toString(), plain));
                i = j;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                comments = true;
                int j = sql.indexOf('\n', i);
                i = j < 0 ? n : j;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                comments = true;
                int j = sql.indexOf("*/", i + 2);
                unterminated |= j < 0;
                i = j < 0 ? n : j + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
                    j++;
                }
                out.add(new Token(Kind.WORD, i, j, sql.substring(i, j), false));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                    j++;
                }
                out.add(new Token(Kind.NUMBER, i, j, sql.substring(i, j), false));
                i = j;
            } else if (c == '?') {
                out.add(new Token(Kind.PARAMETER, i, i + 1, "?", false));
                i++;
            } else {
                out.add(new Token(Kind.OTHER, i, i + 1, String.valueOf(c), false));
                i++;
            }
        }
        return new Lexed(sql, List.copyOf(out), comments, unterminated);
    }
}
