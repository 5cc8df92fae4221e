package dev.almanac.replay;

import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.foundation.FoundationTopology;
import dev.almanac.foundation.ValidationCounts;
import dev.almanac.derived.definition.DerivedDefinitions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A shadow copy of the pipeline "as of" a date: its own application id ({@code <live id>-<prefix>})
 * and topic prefix, reading the live input topics but considering only observations published up to
 * the cutoff. The live pipeline, its topics, offsets and state are never touched. The cutoff applies
 * to observations (the foundation, and so every table derived from observations); registration
 * events and regions are read as they are now.
 *
 * @param live the live pipeline's configuration
 * @param prefix the shadow's topic prefix
 * @param publishedUpTo the inclusive publication cutoff
 */
public record Rebuild(AlmanacConfig live, String prefix, Instant publishedUpTo) {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,100}");

    public Rebuild {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("--into '" + prefix + "' must be letters, digits, '.', '_' or '-' (a topic-name prefix)");
        }
        if (prefix.equals(live.topicPrefix())) {
            throw new IllegalArgumentException("--into must differ from the live topic prefix '" + live.topicPrefix() + "'");
        }
    }

    /** The shadow's configuration: application id {@code <live id>-<prefix>}, topic prefix {@code prefix}. */
    public AlmanacConfig config() {
        return live.withApplicationId(live.applicationId() + "-" + prefix).withTopicPrefix(prefix);
    }

    /** The shadow's topics: its own under {@code prefix}, the inputs of {@code liveTopics}. */
    public TopicCatalogue topics(TopicCatalogue liveTopics) {
        return TopicCatalogue.create(prefix, liveTopics.serdes()).withInputsFrom(liveTopics);
    }

    /** The shadow's applications (foundation with the cutoff, derived tables). */
    public List<ApplicationReset.App> applications(TopicCatalogue shadowTopics, DerivedDefinitions definitions) {
        return ApplicationReset.applications(config(), shadowTopics, definitions, Optional.of(publishedUpTo));
    }

    /** The shadow pipeline (not started). */
    public Pipeline pipeline(TopicCatalogue shadowTopics, DerivedDefinitions definitions) {
        return new Pipeline(config(), shadowTopics, definitions, Optional.of(publishedUpTo));
    }

    /**
     * What a settled rebuild holds.
     *
     * @param latestRows rows of the latest table
     * @param currentRows rows of the current-value table
     * @param counts validation counts of the input read
     * @param excluded valid observations left out for being published after the cutoff
     */
    public record Summary(long latestRows, long currentRows, ValidationCounts counts, long excluded) {
    }

    /** Reads the summary from a running shadow pipeline. */
    public static Summary summary(Pipeline shadow) {
        return new Summary(shadow.latestHistory().count(),
                count(shadow.keyValueStore(FoundationTopology.CURRENT_STORE)), shadow.validationCounts(),
                FoundationTopology.excludedByCutoff(shadow.keyValueStore(FoundationTopology.VALIDATION_COUNTS_STORE)));
    }

    private static <K, V> long count(ReadOnlyKeyValueStore<K, V> store) {
        long n = 0;
        try (KeyValueIterator<K, V> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
