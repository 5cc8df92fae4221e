package dev.almanac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code almanac --help} lists, and the shell completion script. */
class CommandSummariesTest {

    @Test
    void shouldSummariseEveryCommandInOneWholeSentence() {
        List<String> bad = new ArrayList<>();
        walk(Main.commandLine(Map.of()), bad);
        assertEquals(List.of(), bad, "summaries (header, else first description line) must be whole sentences");
    }

    private static void walk(CommandLine cli, List<String> bad) {
        CommandLine.Model.UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
        String summary = lines.length == 0 ? "" : lines[0];
        if (!summary.matches("[A-Z].*[.)]") || summary.length() > 110) {
            bad.add(cli.getCommandSpec().qualifiedName() + ": " + summary);
        }
        cli.getSubcommands().values().forEach(c -> walk(c, bad));
    }

    @Test
    void shouldGenerateABashCompletionScriptNamingEveryCommand() {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cli = Main.commandLine(Map.of());
        cli.setOut(new java.io.PrintWriter(out));
        assertEquals(0, cli.execute("generate-completion"));
        String script = out.toString();
        assertTrue(script.contains("complete -F _complete_almanac"), script.substring(0, Math.min(500, script.length())));
        for (String command : List.of("demo", "run", "sql", "replay", "reset", "rebuild", "bench")) {
            assertTrue(script.contains(command), command);
        }
        assertTrue(script.contains("--kafka-config") && script.contains("--config"), "options are completed too");
    }
}
