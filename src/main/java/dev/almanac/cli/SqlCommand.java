package dev.almanac.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.almanac.runtime.QueryApiConfig;
import dev.almanac.query.QueryException;
import dev.almanac.query.Statements;
import dev.almanac.query.http.QueryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** SQL against the query API of a running instance: an interactive shell, or one statement with -e. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Runs SQL against the query API of a running 'almanac demo' or 'almanac run'.",
            "Without -e: an interactive shell (history, statements end with ';', push queries stream until Ctrl-C).",
            "The server is --server, else $ALMANAC_SERVER, else the URL a running demo/run wrote to <home>/query-address,",
            "else http://127.0.0.1:" + QueryApiConfig.DEFAULT_PORT + "."})
final class SqlCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "Run one statement and exit (non-zero on error).")
    String execute;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements in FILE (separated by ';') and exit; stops at the first error.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "How rows are printed: table (for people), json (one JSON object per row) or csv (RFC 4180 with a header); default: ${DEFAULT-VALUE}.")
    SqlOutput format;

    @Option(names = "--server", paramLabel = "URL", description = "Query API base URL, e.g. http://10.0.0.5:8088.")
    String server;

    @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:ALMANAC_API_TOKEN}",
            description = "Bearer token of the API (prefer env ALMANAC_API_TOKEN).")
    String apiToken;

    @Override
    public Integer call() throws Exception {
        QueryClient client = new QueryClient(serverUrl(), Optional.ofNullable(apiToken).filter(t -> !t.isBlank()));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (execute != null) {
            return run(client, execute, out, err, new AtomicBoolean(), format) ? 0 : 1;
        }
        if (file != null) {
            for (String statement : SqlOutput.statements(Files.readString(Home.requireFile(file)))) {
                if (!run(client, statement, out, err, new AtomicBoolean(), format)) {
                    return 1;
                }
            }
            return 0;
        }
        return shell(client);
    }

    private String serverUrl() throws IOException {
        if (server != null && !server.isBlank()) {
            return server;
        }
        String env = System.getenv("ALMANAC_SERVER");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path recorded = Home.queryAddressFile();
        if (Files.isRegularFile(recorded)) {
            String url = Files.readString(recorded).strip();
            if (!url.isEmpty()) {
                return url;
            }
        }
        return "http://127.0.0.1:" + QueryApiConfig.DEFAULT_PORT;
    }

    private int shell(QueryClient client) throws Exception {
        try (Terminal terminal = TerminalBuilder.builder().name("almanac").system(true).dumb(true).build()) {
            org.jline.reader.impl.DefaultParser parser = new org.jline.reader.impl.DefaultParser();
            // SQL has no backslash escapes; JLine's would swallow them.
            parser.setEscapeChars(new char[0]);
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .parser(parser)
                    .completer(new org.jline.reader.impl.completer.StringsCompleter(completions(client)))
                    .option(LineReader.Option.CASE_INSENSITIVE, true)
                    .appName("almanac")
                    .variable(LineReader.HISTORY_FILE, Home.dir().resolve("sql_history"))
                    .variable(LineReader.SECONDARY_PROMPT_PATTERN, "      -> ")
                    .build();
            PrintWriter out = terminal.writer();
            out.println("almanac sql: " + client.baseUrl() + ". Statements end with ';'. Tables: SELECT * FROM ... ; "
                    + "SHOW TABLES (or \\t) lists tables, DESCRIBE <table> its columns; push queries (... EMIT CHANGES) run until Ctrl-C; Ctrl-D quits.");
            out.flush();
            StringBuilder statement = new StringBuilder();
            AtomicBoolean cancel = new AtomicBoolean();
            terminal.handle(Terminal.Signal.INT, s -> cancel.set(true));
            while (true) {
                String line;
                try {
                    line = reader.readLine(statement.length() == 0 ? "almanac> " : "      -> ");
                } catch (UserInterruptException e) {
                    statement.setLength(0);
                    continue;
                } catch (EndOfFileException e) {
                    return 0;
                }
                String command = line.strip().replaceAll(";$", "").strip();
                if (statement.length() == 0 && (command.equals("\\t") || command.equalsIgnoreCase("tables"))) {
                    run(client, "SHOW TABLES", out, out, new AtomicBoolean(), format);
                    continue;
                }
                if (statement.length() == 0 && (line.strip().equalsIgnoreCase("quit") || line.strip().equalsIgnoreCase("exit"))) {
                    return 0;
                }
                statement.append(line).append('\n');
                if (!line.strip().endsWith(";")) {
                    continue;
                }
                String sql = statement.toString();
                statement.setLength(0);
                cancel.set(false);
                run(client, sql, out, out, cancel, format);
                out.flush();
            }
        }
    }

    /** Words the shell completes with Tab: the server's table and column names, and SQL keywords. */
    static List<String> completions(QueryClient client) {
        java.util.Set<String> words = new java.util.TreeSet<>(List.of("SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "ORDER", "BY",
                "GROUP", "LIMIT", "AS", "OF", "FOR", "SYSTEM_TIME", "TIMESTAMP", "EMIT", "CHANGES", "COUNT", "DESC", "ASC",
                "BETWEEN", "LIKE", "IN", "IS", "NULL", "DISTINCT", "SHOW", "TABLES", "LIST", "DESCRIBE", "QUERIES"));
        try {
            for (JsonNode table : client.tables().path("tables")) {
                words.add(table.path("name").asText());
                table.path("columns").forEach(c -> words.add(c.path("name").asText()));
            }
        } catch (Exception e) {
            // no server yet: keywords only; statements still run once it is up
        }
        return new ArrayList<>(words);
    }

    /** Runs one statement; prints the result or the error; returns whether it succeeded. */
    static boolean run(QueryClient client, String sql, PrintWriter out, PrintWriter err, AtomicBoolean cancel) {
        return run(client, sql, out, err, cancel, SqlOutput.table);
    }

    /** As {@link #run(QueryClient, String, PrintWriter, PrintWriter, AtomicBoolean)}, rows printed in {@code format}. */
    static boolean run(QueryClient client, String sql, PrintWriter out, PrintWriter err, AtomicBoolean cancel, SqlOutput format) {
        String text;
        try {
            text = Statements.clean(sql);
        } catch (QueryException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return false;
        }
        try {
            if (Statements.isPush(text)) {
                return stream(client, text, out, cancel);
            }
            if (KSQL_STATEMENT.matcher(text).lookingAt()) {
                return ksql(client, text, out, err, format);
            }
            JsonNode r = client.query(text);
            List<String> header = new ArrayList<>();
            r.path("columns").forEach(c -> header.add(c.path("name").asText()));
            if (format != SqlOutput.table) {
                out.print(format.render(header, r.path("rows")));
                out.flush();
                if (r.path("truncated").asBoolean()) {
                    err.printf("warning: only the first %d rows (the server's row cap); narrow the query or add LIMIT%n", r.path("row_cap").asInt());
                    err.flush();
                }
                return true;
            }
            TextTable table = new TextTable(header);
            for (JsonNode row : r.path("rows")) {
                table.add(cells(row));
            }
            out.print(table.render());
            StringBuilder who = new StringBuilder();
            for (JsonNode i : r.path("instances")) {
                who.append(who.length() == 0 ? "" : ", ").append(i.path("instance").asText());
                if (i.path("standby_partitions").size() > 0) {
                    who.append(" (standby for ").append(i.path("standby_partitions")).append(')');
                }
            }
            out.printf("(%d row%s, %.1f ms%s)%n", table.size(), table.size() == 1 ? "" : "s", r.path("elapsed_ms").asDouble(),
                    who.length() == 0 ? "" : ", answered by " + who);
            if (r.path("truncated").asBoolean()) {
                out.printf("warning: only the first %d rows (the server's row cap); narrow the query or add LIMIT%n", r.path("row_cap").asInt());
            }
            out.flush();
            return true;
        } catch (QueryException e) {
            err.println("error (" + e.status() + "): " + e.getMessage());
            if (e.line() > 0) {
                String[] lines = text.split("\n", -1);
                if (e.line() <= lines.length) {
                    err.println("  " + lines[e.line() - 1]);
                    err.println("  " + " ".repeat(Math.max(0, e.column() - 1)) + "^ line " + e.line() + ", column " + e.column());
                }
            }
            err.flush();
            return false;
        } catch (ConnectException e) {
            err.println("error: no query API at " + client.baseUrl() + " (start './almanac demo' or 'almanac run', or pass --server URL)");
            err.flush();
            return false;
        } catch (IOException | InterruptedException e) {
            err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            err.flush();
            return false;
        }
    }

    /** The statements the query API answers on {@code POST /ksql} (ksqlDB's), not {@code /query}. */
    private static final java.util.regex.Pattern KSQL_STATEMENT = java.util.regex.Pattern.compile("(?i)(SHOW|LIST|DESCRIBE)\\b");

    /**
     * SHOW|LIST TABLES (with the columns and keys from {@code GET /tables}), DESCRIBE <table>, SHOW QUERIES,
     * SHOW STREAMS, SHOW TOPICS: sent to {@code POST /ksql} and printed as rows.
     */
    private static boolean ksql(QueryClient client, String text, PrintWriter out, PrintWriter err, SqlOutput format)
            throws IOException, InterruptedException {
        List<String> header;
        List<List<String>> rows = new ArrayList<>();
        JsonNode entity = client.ksql(text).path(0);
        switch (entity.path("@type").asText()) {
            case "tables" -> {
                header = List.of("table", "columns", "key", "as of", "emit changes");
                for (JsonNode table : client.tables().path("tables")) {
                    List<String> cols = new ArrayList<>();
                    table.path("columns").forEach(c -> cols.add(c.path("name").asText() + " " + c.path("type").asText()));
                    List<String> key = new ArrayList<>();
                    table.path("key").forEach(k -> key.add(k.asText()));
                    rows.add(List.of(table.path("name").asText(), String.join(", ", cols), String.join(", ", key),
                            table.path("as_of").asBoolean() ? "yes" : "", table.path("emit_changes").asBoolean() ? "yes" : ""));
                }
            }
            case "sourceDescription" -> {
                header = List.of("column", "type", "key");
                for (JsonNode f : entity.path("sourceDescription").path("fields")) {
                    rows.add(List.of(f.path("name").asText().toLowerCase(java.util.Locale.ROOT), f.path("schema").path("type").asText(),
                            "KEY".equals(f.path("type").asText()) ? "key" : ""));
                }
            }
            case "queries" -> {
                header = List.of("id", "type", "state", "query");
                for (JsonNode q : entity.path("queries")) {
                    rows.add(List.of(q.path("id").asText(), q.path("queryType").asText(), q.path("state").asText(), q.path("queryString").asText()));
                }
            }
            case "kafka_topics" -> {
                header = List.of("topic");
                entity.path("topics").forEach(t -> rows.add(List.of(t.path("name").asText())));
            }
            case "streams" -> {
                header = List.of("stream");
                entity.path("streams").forEach(t -> rows.add(List.of(t.path("name").asText())));
            }
            default -> {
                err.println("error: unexpected answer from /ksql: " + entity);
                err.flush();
                return false;
            }
        }
        if (format != SqlOutput.table) {
            List<JsonNode> asRows = new ArrayList<>();
            for (List<String> r : rows) {
                com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                r.forEach(a::add);
                asRows.add(a);
            }
            out.print(format.render(header, asRows));
        } else {
            TextTable table = new TextTable(header);
            rows.forEach(table::add);
            out.print(table.render());
            out.printf("(%d row%s)%n", table.size(), table.size() == 1 ? "" : "s");
        }
        out.flush();
        return true;
    }

    private static boolean stream(QueryClient client, String sql, PrintWriter out, AtomicBoolean cancel) throws IOException, InterruptedException {
        AtomicLong rows = new AtomicLong();
        Throwable[] failure = new Throwable[1];
        Thread reader = new Thread(() -> {
            try {
                client.stream(sql, line -> {
                    if (line.has("columns")) {
                        List<String> names = new ArrayList<>();
                        line.get("columns").forEach(c -> names.add(c.path("name").asText()));
                        out.println(String.join(" | ", names));
                        out.println("(streaming changes; Ctrl-C stops)");
                    } else if (line.has("row")) {
                        out.println(String.join(" | ", cells(line.get("row"))));
                        rows.incrementAndGet();
                    } else if (line.has("error")) {
                        out.println("error: " + line.get("error").asText());
                    } else if (line.has("done")) {
                        out.printf("(%d row%s, %s)%n", line.path("rows").asLong(), line.path("rows").asLong() == 1 ? "" : "s", line.path("reason").asText());
                    }
                    out.flush();
                    return !cancel.get();
                });
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "almanac-sql-stream");
        reader.setDaemon(true);
        reader.start();
        while (reader.isAlive() && !cancel.get()) {
            reader.join(100);
        }
        if (cancel.get() && reader.isAlive()) {
            out.printf("(stopped after %d row%s)%n", rows.get(), rows.get() == 1 ? "" : "s");
            out.flush();
            return true;
        }
        if (failure[0] instanceof QueryException e) {
            throw e;
        }
        if (failure[0] instanceof IOException e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IOException(failure[0].getMessage(), failure[0]);
        }
        return true;
    }

    static List<String> cells(JsonNode row) {
        List<String> cells = new ArrayList<>();
        for (JsonNode v : row) {
            cells.add(format(v));
        }
        return cells;
    }

    /** Numbers without exponent or a trailing ".0", text as is, null as NULL. */
    static String format(JsonNode v) {
        if (v == null || v.isNull()) {
            return "NULL";
        }
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue().stripTrailingZeros();
            return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
        }
        return v.asText();
    }
}
