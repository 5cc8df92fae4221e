package dev.almanac.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and every {@code #anchor} at a heading
 * of its target page, with GitHub's rules for heading anchors. External links (http, https, mailto) are not checked:
 * the tests run without network.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("(?<!!)\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

    @Test
    void shouldResolveEveryRelativeLinkAndAnchorInReadmeAndDocs() throws IOException {
        List<Path> pages = pages();
        assertTrue(pages.size() > 1, "README.md and docs/*.md found from " + Path.of("").toAbsolutePath());
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page, StandardCharsets.UTF_8))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto:
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no file " + resolved + ")");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    broken.add(page + ": " + target + " (no heading with anchor #" + anchor + " in " + resolved + ")");
                }
            }
        }
        assertTrue(checked > 10, "relative links found: " + checked);
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void shouldDeriveAnchorsAsGitHubDoes() {
        assertEquals("schemas-the-registry-and-the-wire-format", slug("Schemas, the registry and the wire format"));
        assertEquals("configuration-almanac-run-and-almanac-demo", slug("Configuration (`almanac run` and `almanac demo`)"));
        assertEquals("5-revision-history-beijings-2025-gdp-from-the-5万亿-estimate-to-the-final-figure",
                slug("5. Revision history: Beijing's 2025 GDP, from the 5万亿 estimate to the final figure"));
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(Path.of("README.md").toAbsolutePath());
        try (Stream<Path> docs = Files.list(Path.of("docs").toAbsolutePath())) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Link targets outside fenced code blocks and inline code spans. */
    private static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`(?!\\])", "``"));
            while (m.find()) {
                targets.add(m.group(2));
            }
        }
        return targets;
    }

    private static final Map<Path, Set<String>> ANCHORS = new HashMap<>();

    private static Set<String> anchors(Path page) throws IOException {
        if (ANCHORS.containsKey(page)) {
            return ANCHORS.get(page);
        }
        Set<String> anchors = new HashSet<>();
        if (page.toString().endsWith(".md")) {
            Map<String, Integer> seen = new HashMap<>();
            boolean fenced = false;
            for (String line : Files.readString(page, StandardCharsets.UTF_8).split("\n")) {
                if (line.stripLeading().startsWith("```")) {
                    fenced = !fenced;
                }
                Matcher m = HEADING.matcher(line);
                if (!fenced && m.matches()) {
                    String slug = slug(m.group(2));
                    int n = seen.merge(slug, 1, Integer::sum) - 1;
                    anchors.add(n == 0 ? slug : slug + "-" + n);
                }
            }
        }
        ANCHORS.put(page, anchors);
        return anchors;
    }

    /** GitHub's heading anchor: lower case, punctuation dropped (letters, digits, '-', '_' and spaces kept), spaces to '-'. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }
}
