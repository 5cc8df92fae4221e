package dev.almanac.cli;

import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.avro.IndicatorObservation;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.cli.UserException;
import dev.almanac.observation.ObservationJson;
import dev.almanac.observation.Rejection;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code almanac generate registrations}: writes a synthetic registration stream as JSON Lines (the
 * format {@code registrations.raw} accepts), matching the reported totals of a region at their dates.
 */
@Command(name = "registrations", mixinStandardHelpOptions = true,
        description = {"Writes a SYNTHETIC stream of model registrations (JSON Lines) for demos and benchmarks.",
                "Every record says 'synthetic' in its source and id (SYN-...). The anchored region's totals",
                "match the reported registered_llm_count observations at their dates."})
final class GenerateRegistrationsCommand implements Callable<Integer> {

    @Option(names = "--count", required = true, description = "Distinct registrations to generate (at least the largest reported total).")
    int count;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed gives the same stream (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--observations", defaultValue = "data/observations.jsonl",
            description = "Observations to read the reported totals from (default ${DEFAULT-VALUE}).")
    Path observations;

    @Option(names = "--region", defaultValue = "CN-BJ", description = "Region whose reported totals are matched (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--indicator", defaultValue = "registered_llm_count", description = "Indicator of the reported totals (default ${DEFAULT-VALUE}).")
    String indicator;

    @Option(names = "--duplicates", defaultValue = "0", description = "Share of registrations sent twice, 0 to 1 (default ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = {"-o", "--out"}, description = "File to write; standard output when absent.")
    Path out;

    PrintStream err = System.err;
    PrintStream stdout = System.out;

    @Override
    public Integer call() throws IOException {
        if (count < 1) {
            throw new UserException("--count must be at least 1", 2);
        }
        if (duplicates < 0 || duplicates > 1) {
            throw new UserException("--duplicates must be between 0 and 1", 2);
        }
        if (!Files.isReadable(observations)) {
            throw new UserException("cannot read " + observations + " (the reported totals come from it; pass --observations FILE)", 2);
        }
        List<IndicatorObservation> all = new ArrayList<>();
        for (String line : Files.readAllLines(observations, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    all.add(ObservationJson.parse(line));
                } catch (Rejection.Exception e) {
                    // an invalid line cannot be an anchor; the observation pipeline reports it
                }
            }
        }
        List<RegistrationGenerator.Anchor> anchors = RegistrationGenerator.anchors(all, indicator, region);
        RegistrationGenerator.Spec spec = region.equals("CN-BJ")
                ? RegistrationGenerator.beijing(count, seed, anchors)
                : new RegistrationGenerator.Spec(count, seed, anchors, java.util.Map.of(region, 1.0),
                        RegistrationGenerator.OTHER_CITIES, RegistrationGenerator.DEFAULT_START, 0);
        spec = new RegistrationGenerator.Spec(spec.count(), spec.seed(), spec.anchors(), spec.anchoredRegions(),
                spec.otherRegions(), spec.start(), duplicates);
        List<ModelRegistration> stream;
        try {
            stream = RegistrationGenerator.generate(spec);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), 2);
        }
        try (Writer w = out == null ? new PrintWriter(stdout, false, StandardCharsets.UTF_8) : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (ModelRegistration r : stream) {
                w.write(RegistrationJson.toJson(r));
                w.write('\n');
            }
        }
        err.println("SYNTHETIC registration stream: " + stream.size() + " records (" + count + " distinct, seed " + seed + ")"
                + (out == null ? "" : " written to " + out) + "; " + region + " totals matched: "
                + (anchors.isEmpty() ? "none reported" : anchors.stream().map(a -> a.date() + "=" + a.total()).collect(Collectors.joining(", "))));
        return 0;
    }
}
