package dev.almanac.derived.definition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The problems found in one definitions document, each with its file and line, reported in file order. */
final class Problems {

    private final String source;
    private final List<String> problems = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(int line, String message) {
        problems.add(source + ":" + line + ": " + message);
        lines.add(line);
    }

    /** How many so far: a table is kept only when reading it added none. */
    int count() {
        return problems.size();
    }

    /** Every problem so far, in file order (stable within a line). */
    DefinitionException exception() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(lines::get));
        return new DefinitionException(order.stream().map(problems::get).toList());
    }
}
