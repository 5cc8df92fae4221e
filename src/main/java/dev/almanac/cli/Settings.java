package dev.almanac.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when it is not on the command line: the environment variable
 * {@code ALMANAC_<OPTION>} (upper case, dashes as underscores: {@code --http-port} → {@code ALMANAC_HTTP_PORT}),
 * else the {@code --config} file ({@code http-port=8088}), else the option's default. So: flags, then environment,
 * then file, then defaults. Keys are the long option names of {@code run} and {@code demo}; {@code streams.<name>}
 * passes a Kafka Streams setting through to both applications. The file is read and checked once, before any
 * command runs: an unknown key or a value of the wrong type is refused with file, line and key.
 */
final class Settings implements CommandLine.IDefaultValueProvider {

    /** Prefix of Kafka Streams settings passed through. */
    static final String STREAMS_PREFIX = "streams.";

    private final java.util.Set<String> keys;
    private final Map<String, String> env;
    private final Map<String, PropertiesLines.Setting> file;
    private final Map<String, String> streams;

    private Settings(java.util.Set<String> keys, Map<String, String> env, Map<String, PropertiesLines.Setting> file,
                     Map<String, String> streams) {
        this.keys = keys;
        this.env = env;
        this.file = file;
        this.streams = streams;
    }

    /**
     * The settings for a command line: the file named by {@code --config} in {@code args}, else by
     * {@code ALMANAC_CONFIG}, checked against the options of {@code keys} (the run and demo commands).
     */
    static Settings load(String[] args, Map<String, String> env, Map<String, OptionSpec> keys) {
        Optional<Path> file = configFile(args, env);
        if (file.isEmpty()) {
            return new Settings(keys.keySet(), env, Map.of(), Map.of());
        }
        Path f = file.get();
        if (!Files.isRegularFile(f)) {
            throw new UserException("--config " + f + ": no such file", Main.USAGE);
        }
        Map<String, PropertiesLines.Setting> options = new LinkedHashMap<>();
        Map<String, String> streams = new TreeMap<>();
        Map<String, PropertiesLines.Setting> streamLines = new LinkedHashMap<>();
        for (PropertiesLines.Setting s : PropertiesLines.read(f, "--config")) {
            if (s.key().startsWith(STREAMS_PREFIX) && s.key().length() > STREAMS_PREFIX.length()) {
                String name = s.key().substring(STREAMS_PREFIX.length());
                streams.put(name, s.value());
                streamLines.put(name, s);
                continue;
            }
            OptionSpec option = keys.get(s.key());
            if (option == null || s.key().equals("config")) {
                throw new UserException(f + ":" + s.line() + ": unknown key '" + s.key() + "' (keys are the long options of 'almanac run' "
                        + "and 'almanac demo' without dashes, e.g. http-port, or streams.<Kafka Streams setting>)", Main.USAGE);
            }
            String problem = typeProblem(option, s.value());
            if (problem != null) {
                throw new UserException(f + ":" + s.line() + ": " + s.key() + " = '" + s.value() + "': " + problem, Main.USAGE);
            }
            options.put(s.key(), s);
        }
        checkStreams(f, streams, streamLines);
        return new Settings(keys.keySet(), env, options, streams);
    }

    /** Kafka Streams settings passed through from the file (names without the {@code streams.} prefix). */
    Map<String, String> streams() {
        return streams;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String key = key(option);
        if (!keys.contains(key)) {
            // only the options of run and demo (shared by name with other commands): no ALMANAC_YES confirming a reset
            return null;
        }
        String fromEnv = env.get(envName(key));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        PropertiesLines.Setting s = file.get(key);
        return s == null ? null : s.value();
    }

    /** The key of an option in files: its longest name without dashes. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** The environment variable of a key: {@code http-port} → {@code ALMANAC_HTTP_PORT}. */
    static String envName(String key) {
        return "ALMANAC_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The options a file may set: every long option of the given commands but help, version and config. */
    static Map<String, OptionSpec> keys(CommandSpec... commands) {
        Map<String, OptionSpec> keys = new TreeMap<>();
        for (CommandSpec c : commands) {
            for (OptionSpec o : c.options()) {
                if (!o.usageHelp() && !o.versionHelp() && o.longestName().startsWith("--") && !key(o).equals("config")) {
                    keys.putIfAbsent(key(o), o);
                }
            }
        }
        return keys;
    }

    private static Optional<Path> configFile(String[] args, Map<String, String> env) {
        String value = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new UserException("--config needs a FILE", Main.USAGE);
                }
                value = args[i + 1];
                break;
            }
            if (args[i].startsWith("--config=")) {
                value = args[i].substring("--config=".length());
                break;
            }
        }
        if (value == null) {
            value = env.get("ALMANAC_CONFIG");
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(value));
        } catch (InvalidPathException e) {
            throw new UserException("--config " + value + ": " + e.getMessage(), Main.USAGE);
        }
    }

    /** Why {@code value} does not fit the option's type, or null when it does. */
    static String typeProblem(OptionSpec option, String value) {
        Class<?> type = option.type();
        try {
            if (type == int.class || type == Integer.class) {
                Integer.parseInt(value);
            } else if (type == long.class || type == Long.class) {
                Long.parseLong(value);
            } else if (type == short.class || type == Short.class) {
                Short.parseShort(value);
            } else if (type == double.class || type == Double.class) {
                Double.parseDouble(value);
            } else if (type == boolean.class || type == Boolean.class) {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    return "not a boolean (true or false)";
                }
            } else if (type.isEnum()) {
                for (Object c : type.getEnumConstants()) {
                    if (((Enum<?>) c).name().equals(value)) {
                        return null;
                    }
                }
                return "not one of " + java.util.Arrays.toString(type.getEnumConstants());
            } else if (type == Path.class) {
                Path.of(value);
            }
            return null;
        } catch (NumberFormatException e) {
            return "not " + (type == double.class || type == Double.class ? "a number" : "a whole number"
                    + (type == short.class || type == Short.class ? " up to 32767" : ""));
        } catch (InvalidPathException e) {
            return "not a path (" + e.getMessage() + ")";
        }
    }

    /** Kafka Streams' own parser checks names and types of the settings passed through. */
    private static void checkStreams(Path f, Map<String, String> streams, Map<String, PropertiesLines.Setting> lines) {
        for (Map.Entry<String, String> e : streams.entrySet()) {
            PropertiesLines.Setting s = lines.get(e.getKey());
            if (!knownStreamsSetting(e.getKey())) {
                throw new UserException(f + ":" + s.line() + ": unknown key '" + s.key() + "' ('" + e.getKey()
                        + "' is not a Kafka Streams setting)", Main.USAGE);
            }
            Map<String, Object> probe = new java.util.HashMap<>();
            probe.put(StreamsConfig.APPLICATION_ID_CONFIG, "almanac-config-check");
            probe.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            probe.put(e.getKey(), e.getValue());
            try {
                StreamsConfig.configDef().parse(probe);
            } catch (ConfigException ex) {
                throw new UserException(f + ":" + s.line() + ": " + s.key() + " = '" + e.getValue() + "': " + ex.getMessage(), Main.USAGE);
            }
        }
    }

    static boolean knownStreamsSetting(String name) {
        return StreamsConfig.configDef().names().contains(name) || name.startsWith("consumer.") || name.startsWith("producer.")
                || name.startsWith("admin.") || name.startsWith("main.consumer.") || name.startsWith("restore.consumer.")
                || name.startsWith("global.consumer.") || name.startsWith("topic.");
    }
}
