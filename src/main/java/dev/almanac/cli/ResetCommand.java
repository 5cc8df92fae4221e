package dev.almanac.cli;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.TopicAdmin;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.kafka.Topic;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.replay.ApplicationReset;
import dev.almanac.replay.ResetTopics;
import dev.almanac.replay.ResetPlan;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reset}: makes the pipeline rebuild every table from the beginning of the input topics. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {"Makes the next run of the pipeline rebuild every table from the beginning of the input topics, like Kafka's application reset tool plus local state cleanup, for both applications (<application-id> and <application-id>-derived).",
            "Deletes their consumer group offsets (the input topics are then read from the beginning), their internal topics (<application-id>-*-changelog / -repartition / subscription topics), their local state (<state-dir>/<application-id>[-derived]), and deletes and recreates empty the topics the pipeline writes (valid, rejected, latest, current, derived tables) unless --keep-derived-topics. Never touches the input topics (observations.raw, registrations.raw, regions).",
            "Explains all this and asks for confirmation unless --yes. Refuses while the pipeline is running (stop it first); stops nothing itself."})
final class ResetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--keep-derived-topics",
            description = "Keep the topics the pipeline writes; the rebuilt rows are appended to them.")
    boolean keepDerivedTopics;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AlmanacConfig config = kafka.config(kafka.resolveBootstrap());
        TopicCatalogue topics = TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(new LocalSchemaRegistry()));
        DerivedDefinitions definitions = DerivedDefinitions.bundled();
        List<ApplicationReset.App> apps = ApplicationReset.applications(config, topics, definitions, Optional.empty());
        List<Topic<?, ?>> pipelineTopics = ResetTopics.pipelineTopics(topics, definitions);
        try (Admin admin = TopicAdmin.admin(config.bootstrapServers())) {
            try {
                ApplicationReset.requireStopped(admin, apps);
            } catch (ApplicationReset.ActiveMembersException e) {
                throw new UserException(e.getMessage());
            }
            ResetPlan plan = ApplicationReset.plan(admin, config.bootstrapServers(), config.stateDir(), apps,
                    pipelineTopics, keepDerivedTopics);
            out.print(plan.describe());
            if (plan.empty()) {
                out.println("Nothing to delete: the applications have no offsets, internal topics or local state.");
                out.flush();
                return 0;
            }
            out.flush();
            if (!yes && !confirmed(out)) {
                out.println("Not confirmed: nothing was deleted.");
                out.flush();
                return 1;
            }
            try {
                ApplicationReset.execute(admin, plan, pipelineTopics, step -> {
                    out.println("  " + step);
                    out.flush();
                });
            } catch (ApplicationReset.ActiveMembersException e) {
                throw new UserException(e.getMessage());
            }
            out.printf("Reset done. Start the pipeline ('./almanac run') to rebuild the tables from %s.%n",
                    String.join(", ", plan.inputTopics()));
            out.flush();
            return 0;
        }
    }

    private static boolean confirmed(PrintWriter out) throws IOException {
        out.print("Type 'yes' to delete all of the above: ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).matches("y|yes");
    }
}
