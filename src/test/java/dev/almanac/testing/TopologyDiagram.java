package dev.almanac.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;

/**
 * A Mermaid flowchart of a {@code Topology.describe()}: topics as rounded boxes shared between sub-topologies
 * (so the flow through repartition and output topics shows), one box per sub-topology with its processors,
 * and stores as cylinders beside the processors that use them. Deterministic: the same description gives
 * the same text. The committed {@code topologies/*.mmd} files are checked like the {@code *.txt} ones, and
 * docs/architecture.md shows some of them between {@code <!-- topology: NAME.mmd -->} markers.
 */
public final class TopologyDiagram {

    /** Regenerates {@code topologies/*.mmd} and the diagrams in docs/architecture.md when set to true. */
    public static final String UPDATE_PROPERTY = "almanac.updateTopologies";

    private TopologyDiagram() {
    }

    public static String mermaid(TopologyDescription description) {
        StringBuilder nodes = new StringBuilder("flowchart LR\n");
        Set<String> edges = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        List<TopologyDescription.Subtopology> subs = description.subtopologies().stream()
                .sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id)).toList();
        for (TopologyDescription.Subtopology sub : subs) {
            nodes.append("  subgraph sub").append(sub.id()).append("[\"sub-topology ").append(sub.id()).append("\"]\n");
            Set<String> stores = new TreeSet<>();
            sub.nodes().stream().sorted(Comparator.comparing(TopologyDescription.Node::name)).forEach(node -> {
                if (node instanceof TopologyDescription.Processor p) {
                    nodes.append("    ").append(id("p", p.name())).append("[\"").append(p.name()).append("\"]\n");
                    for (String store : p.stores()) {
                        stores.add(store);
                        edges.add(id("p", p.name()) + " -.- " + id("s", store));
                    }
                }
                addEdges(node, edges, topics);
            });
            for (String store : stores) {
                nodes.append("    ").append(id("s", store)).append("[(\"").append(store).append("\")]\n");
            }
            nodes.append("  end\n");
        }
        description.globalStores().stream().sorted(Comparator.comparingInt(TopologyDescription.GlobalStore::id)).forEach(g -> {
            TopologyDescription.Processor p = g.processor();
            nodes.append("  ").append(id("p", p.name())).append("[\"").append(p.name()).append(" (global)\"]\n");
            for (String store : p.stores()) {
                nodes.append("  ").append(id("s", store)).append("[(\"").append(store).append("\")]\n");
                edges.add(id("p", p.name()) + " -.- " + id("s", store));
            }
            addEdges(g.source(), edges, topics);
        });
        for (String topic : topics) {
            nodes.append("  ").append(id("t", topic)).append("([\"").append(topic).append("\"])\n");
        }
        StringBuilder out = new StringBuilder(nodes);
        edges.forEach(e -> out.append("  ").append(e).append('\n'));
        return out.toString();
    }

    private static void addEdges(TopologyDescription.Node node, Set<String> edges, Set<String> topics) {
        if (node instanceof TopologyDescription.Source source) {
            for (String topic : sourceTopics(source)) {
                topics.add(topic);
                for (TopologyDescription.Node next : node.successors()) {
                    edges.add(id("t", topic) + " --> " + target(next, topics));
                }
            }
        } else if (node instanceof TopologyDescription.Processor) {
            for (TopologyDescription.Node next : node.successors()) {
                edges.add(id("p", node.name()) + " --> " + target(next, topics));
            }
        }
    }

    /** Where an edge into {@code next} ends: a processor, or the topic a sink writes. */
    private static String target(TopologyDescription.Node next, Set<String> topics) {
        if (next instanceof TopologyDescription.Sink sink) {
            String topic = sink.topic() != null ? sink.topic() : "(topic chosen per record by " + sink.name() + ")";
            topics.add(topic);
            return id("t", topic);
        }
        return id("p", next.name());
    }

    private static Set<String> sourceTopics(TopologyDescription.Source source) {
        if (source.topicSet() != null) {
            return new TreeSet<>(source.topicSet());
        }
        return new TreeSet<>(Set.of("(pattern " + source.topicPattern() + ")"));
    }

    private static String id(String kind, String name) {
        return kind + "_" + name.replaceAll("[^A-Za-z0-9]", "_");
    }

    /**
     * Checks {@code topologies/<name>.mmd} against the diagram of {@code description} (rewriting the file, and the
     * diagram in docs/architecture.md if it shows it, when {@value #UPDATE_PROPERTY} is true).
     */
    public static void check(String name, TopologyDescription description) throws IOException {
        String actual = mermaid(description);
        Path file = Fixtures.repo().resolve("topologies").resolve(name + ".mmd");
        Path doc = Fixtures.repo().resolve("docs").resolve("architecture.md");
        String begin = "<!-- topology: " + name + ".mmd -->\n```mermaid\n";
        String end = "```\n<!-- /topology -->";
        if (Boolean.getBoolean(UPDATE_PROPERTY) || Boolean.getBoolean("almanac.regenerate")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            String page = Files.readString(doc, StandardCharsets.UTF_8);
            int a = page.indexOf(begin);
            if (a >= 0) {
                int b = page.indexOf(end, a);
                Files.writeString(doc, page.substring(0, a) + begin + actual + page.substring(b), StandardCharsets.UTF_8);
            }
        }
        String regenerate = " with: mvn test -Dtest='*TopologyDescriptionTest' -D" + UPDATE_PROPERTY + "=true";
        String committed = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(missing)";
        assertEquals(committed, actual, "topology diagram changed: review the diff, then regenerate " + file + regenerate);
        String page = Files.readString(doc, StandardCharsets.UTF_8);
        int a = page.indexOf(begin);
        if (a >= 0) {
            int b = page.indexOf(end, a);
            assertEquals(actual, page.substring(a + begin.length(), b), "the diagram in " + doc + " is out of date; regenerate it" + regenerate);
        }
    }
}
