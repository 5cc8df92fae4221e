package dev.almanac.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A Java properties file read with the line number of every setting, so that an error can name file, line and key.
 * Each logical line (continuations joined) is decoded by {@link Properties} itself: escapes and separators behave
 * exactly as in any other Java properties file.
 */
final class PropertiesLines {

    /** One setting: key, value, and the line it starts on (1-based). */
    record Setting(String key, String value, int line) {
    }

    private PropertiesLines() {
    }

    /** The settings in file order; throws a usage error naming the file for an unreadable one or a repeated key. */
    static List<Setting> read(Path file, String what) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new UserException(what + " " + file + ": not UTF-8 text", Main.USAGE);
        } catch (IOException e) {
            throw new UserException(what + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", Main.USAGE);
        }
        List<Setting> settings = new ArrayList<>();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int start = i + 1;
            String first = lines.get(i).stripLeading();
            if (first.isEmpty() || first.startsWith("#") || first.startsWith("!")) {
                continue;
            }
            StringBuilder logical = new StringBuilder(lines.get(i));
            while (endsWithContinuation(logical) && i + 1 < lines.size()) {
                logical.append('\n').append(lines.get(++i));
            }
            Properties p = new Properties();
            try {
                p.load(new StringReader(logical.toString()));
            } catch (IOException | IllegalArgumentException e) {
                throw new UserException(file + ":" + start + ": " + e.getMessage(), Main.USAGE);
            }
            for (String key : p.stringPropertyNames()) {
                Integer earlier = seen.put(key, start);
                if (earlier != null) {
                    throw new UserException(file + ":" + start + ": key '" + key + "' is already set on line " + earlier, Main.USAGE);
                }
                settings.add(new Setting(key, p.getProperty(key).strip(), start));
            }
        }
        return settings;
    }

    private static boolean endsWithContinuation(CharSequence line) {
        int slashes = 0;
        for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
            slashes++;
        }
        return slashes % 2 == 1;
    }
}
