package dev.almanac.cli;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.StoreReadiness;
import dev.almanac.runtime.TopicAdmin;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.replay.ApplicationReset;
import dev.almanac.replay.ResetTopics;
import dev.almanac.replay.ResetPlan;
import dev.almanac.replay.DateWindow;
import dev.almanac.replay.Rebuild;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.runtime.QueryNode;
import dev.almanac.registry.RegistryConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rebuild --as-of DATE --into PREFIX}: the tables as they stood on a date, beside the live ones. */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = {"Runs a shadow copy of the pipeline over the LIVE input topics, considering only observations published up to the end of DATE (23:59:59.999 UTC; a date-time is taken as is), and leaves the result in <PREFIX>.latest, <PREFIX>.current and the derived tables <PREFIX>.* for subscribers.",
            "Its application ids are <application-id>-<PREFIX> and <application-id>-<PREFIX>-derived; the live pipeline, its topics, offsets and state are not touched. Registration events and regions are read as they are now (no cutoff).",
            "It runs until every input record is processed, prints a summary and exits (the tables stay in the topics), or keeps running with --serve. An existing rebuild into PREFIX is refused unless --replace (which deletes it first)."})
final class RebuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--as-of", required = true, paramLabel = "DATE", description = "Cutoff: YYYY-MM-DD (end of that day, UTC), YYYY-MM (end of month) or an ISO date-time.")
    String asOf;

    @Option(names = "--into", required = true, paramLabel = "PREFIX", description = "Topic prefix of the shadow tables, e.g. audit-2025-07-01.")
    String into;

    @Option(names = "--serve", description = "Keep the shadow pipeline running until Ctrl-C: its topics follow the live input, and the SQL query API serves its tables (--http-port; a free port when that one is busy).")
    boolean serve;

    @Mixin
    QueryApiOptions queryApi;

    @Option(names = "--replace", description = "Delete an existing rebuild into PREFIX (its topics, offsets and state) first.")
    boolean replace;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "30", description = "Give up when not settled after this long (default: ${DEFAULT-VALUE}).")
    long timeoutMinutes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AlmanacConfig live = kafka.config(kafka.resolveBootstrap());
        if (serve) {
            live = live.withQueryApi(queryApi.config(true));
        }
        Rebuild rebuild;
        try {
            Instant cutoff = DateWindow.endOf(asOf);
            rebuild = new Rebuild(live, into, cutoff);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), Main.USAGE);
        }
        try (RegistryConnection registry = kafka.openRegistry(live, true)) {
            return rebuild(out, live, rebuild, new AvroSerdes(registry.client()));
        }
    }

    private int rebuild(PrintWriter out, AlmanacConfig live, Rebuild rebuild, AvroSerdes serdes) throws Exception {
        TopicCatalogue liveTopics = TopicCatalogue.create(live.topicPrefix(), serdes);
        TopicCatalogue shadowTopics = rebuild.topics(liveTopics);
        AlmanacConfig shadow = rebuild.config();
        DerivedDefinitions definitions = DerivedDefinitions.bundled();
        List<ApplicationReset.App> apps = rebuild.applications(shadowTopics, definitions);
        List<Topic<?, ?>> pipelineTopics = ResetTopics.pipelineTopics(shadowTopics, definitions);

        try (Admin admin = TopicAdmin.admin(live.bootstrapServers())) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            if (!existing.contains(liveTopics.rawObservations().name())) {
                throw new UserException("nothing to rebuild from: the input topic " + liveTopics.rawObservations().name()
                        + " does not exist on " + live.bootstrapServers() + " (wrong --topic-prefix?)");
            }
            try {
                ApplicationReset.requireStopped(admin, apps);
            } catch (ApplicationReset.ActiveMembersException e) {
                throw new UserException("a rebuild into " + into + " is running: " + e.getMessage());
            }
            ResetPlan old = ApplicationReset.plan(admin, live.bootstrapServers(), shadow.stateDir(), apps,
                    pipelineTopics, false);
            if (!old.empty()) {
                if (!replace) {
                    throw new UserException("a rebuild into '" + into + "' already exists (" + String.join(", ", old.derivedTopics())
                            + "); add --replace to delete it and rebuild, or choose another --into");
                }
                out.printf("Deleting the previous rebuild into %s ...%n", into);
                ApplicationReset.execute(admin, old, pipelineTopics, step -> out.println("  " + step));
                out.flush();
            }
        }
        String inputs = String.join(", ", liveTopics.rawObservations().name(), liveTopics.rawRegistrations().name(),
                liveTopics.regions().name());

        out.printf("Rebuilding as of %s (observations published up to %s) from %s into %s.*, application id %s ...%n",
                asOf, rebuild.publishedUpTo(), inputs, into, shadow.applicationId());
        out.flush();
        long t0 = System.nanoTime();
        CountDownLatch stop = new CountDownLatch(1);
        try (Pipeline pipeline = rebuild.pipeline(shadowTopics, definitions)) {
            Thread hook = new Thread(() -> {
                stop.countDown();
                pipeline.close();
            }, "almanac-rebuild-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                pipeline.start(Duration.ofSeconds(120));
                pipeline.awaitSettled(Duration.ofMinutes(timeoutMinutes));
                StoreReadiness.await(pipeline, Duration.ofMinutes(timeoutMinutes));
            } catch (IllegalStateException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                throw new UserException("rebuild failed: " + e.getMessage());
            }
            Rebuild.Summary s = Rebuild.summary(pipeline);
            out.printf("Rebuilt in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
            TextTable t = new TextTable(List.of("as of " + asOf, "rows", "topic"));
            t.add(List.of("latest values", String.format("%,d", s.latestRows()), shadowTopics.latest().name()));
            t.add(List.of("current values", String.format("%,d", s.currentRows()), shadowTopics.current().name()));
            t.add(List.of("observations read", String.format("%,d", s.counts().read()), liveTopics.rawObservations().name()));
            t.add(List.of("  valid, published after the cutoff (left out)", String.format("%,d", s.excluded()), ""));
            t.add(List.of("  rejected", String.format("%,d", s.counts().rejected()), shadowTopics.rejectedObservations().name()));
            out.print(t.render());
            out.flush();
            if (!serve) {
                Runtime.getRuntime().removeShutdownHook(hook);
                out.printf("The tables stay in %s.* (latest, current and the derived tables). Rebuild into the same prefix with --replace.%n",
                        into);
                out.flush();
                return 0;
            }
            try (QueryNode api = QueryNode.start(pipeline)) {
                out.printf("Serving the rebuild (applications %s, %s), following the live input with the same cutoff. Ctrl-C stops.%n",
                        shadow.applicationId(), Pipeline.derivedApplicationId(shadow));
                out.printf("SQL query API at %s: ./almanac sql --server %s%n", api.url(), api.url());
                out.flush();
                stop.await();
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new UserException("query API: " + e.getMessage() + " (choose another port with --http-port, or 0 for any)");
            }
        }
        return 0;
    }
}
