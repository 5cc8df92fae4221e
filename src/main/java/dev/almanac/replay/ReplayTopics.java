package dev.almanac.replay;

import dev.almanac.kafka.TopicCatalogue;

/**
 * Where each kind of history line goes. Bad lines go to the raw observations topic, whose validator
 * keeps them in the dead-letter topic with the reason: replay never drops a line.
 *
 * @param observations the raw observations topic
 * @param registrations the raw registration-events topic
 */
public record ReplayTopics(String observations, String registrations) {

    /** The input topics of {@code catalogue}. */
    public static ReplayTopics of(TopicCatalogue catalogue) {
        return new ReplayTopics(catalogue.rawObservations().name(), catalogue.rawRegistrations().name());
    }

    /** The topic a line of this kind is sent to. */
    public String topic(ReplayLine.Kind kind) {
        return kind == ReplayLine.Kind.REGISTRATION ? registrations : observations;
    }
}
