package dev.almanac.derived.definition;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node knows its line, so that validation errors can name the
 * line. Built from Jackson's streaming YAML parser; anchors and tags are not supported (the
 * definitions do not need them).
 */
final class Yaml {

    private Yaml() {
    }

    /** A node and the 1-based line it starts on. */
    sealed interface Node permits MapNode, ListNode, Scalar {
        int line();
    }

    /** A mapping; keys keep file order. */
    record MapNode(int line, Map<String, Entry> entries) implements Node {
    }

    /** A mapping entry: the key's line and the value. */
    record Entry(String key, int line, Node value) {
    }

    record ListNode(int line, List<Node> items) implements Node {
    }

    /** A scalar; {@code text} is null for YAML null ({@code ~} or nothing). */
    record Scalar(int line, String text) implements Node {
    }

    /** Thrown for malformed YAML and duplicate keys. */
    static final class SyntaxException extends Exception {
        final int line;

        SyntaxException(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    static Node parse(String text) throws SyntaxException {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new MapNode(1, new LinkedHashMap<>());
            }
            Node root = read(p, t);
            if (p.nextToken() != null) {
                throw new SyntaxException(line(p), "only one YAML document is allowed");
            }
            return root;
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 1;
            throw new SyntaxException(line, "not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    private static Node read(JsonParser p, JsonToken t) throws IOException, SyntaxException {
        int line = line(p);
        switch (t) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p);
                    Node value = read(p, p.nextToken());
                    if (entries.containsKey(key)) {
                        throw new SyntaxException(keyLine, "key '" + key + "' appears twice (first on line "
                                + entries.get(key).line() + ")");
                    }
                    entries.put(key, new Entry(key, keyLine, value));
                }
                return new MapNode(line, entries);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken i;
                while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(p, i));
                }
                return new ListNode(line, items);
            }
            case VALUE_NULL -> {
                return new Scalar(line, null);
            }
            default -> {
                return new Scalar(line, p.getText());
            }
        }
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
