package dev.almanac.derived.definition;

import java.util.List;

/** The definitions file is invalid; every problem names the file and line ({@code derived.yaml:12: ...}). */
final class DefinitionException extends RuntimeException {

    private final List<String> problems;

    DefinitionException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in file order. */
    public List<String> problems() {
        return problems;
    }
}
