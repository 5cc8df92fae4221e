package dev.almanac.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How a serializer names the subject it registers a schema under, as in Confluent's serializers:
 * {@link #TOPIC_NAME} ({@code <topic>-key} / {@code <topic>-value}, the default: one schema lineage
 * per topic), {@link #RECORD_NAME} ({@code <record full name>}: one lineage per type, whichever
 * topic it is on) or {@link #TOPIC_RECORD_NAME} ({@code <topic>-<record full name>}: several types on one topic).
 */
@FunctionalInterface
public interface SubjectNameStrategy {

    /** The subject for a record of {@code schema} written to {@code topic} (null when unknown). */
    String subject(String topic, boolean isKey, Schema schema);

    /** {@code <topic>-key} / {@code <topic>-value}; the record's full name when the topic is unknown. */
    SubjectNameStrategy TOPIC_NAME = (topic, isKey, schema) ->
            (topic == null ? schema.getFullName() : topic) + (isKey ? "-key" : "-value");

    /** The record's full name. */
    SubjectNameStrategy RECORD_NAME = (topic, isKey, schema) -> schema.getFullName();

    /** {@code <topic>-<record full name>}. */
    SubjectNameStrategy TOPIC_RECORD_NAME = (topic, isKey, schema) ->
            topic == null ? schema.getFullName() : topic + "-" + schema.getFullName();

    /**
     * Parses a strategy name: {@code topic} / {@code TopicNameStrategy}, {@code record} /
     * {@code RecordNameStrategy}, {@code topic-record} / {@code TopicRecordNameStrategy}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    static SubjectNameStrategy parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace("_", "-");
        return switch (n) {
            case "topic", "topic-name", "topicnamestrategy" -> TOPIC_NAME;
            case "record", "record-name", "recordnamestrategy" -> RECORD_NAME;
            case "topic-record", "topic-record-name", "topicrecordnamestrategy" -> TOPIC_RECORD_NAME;
            default -> throw new IllegalArgumentException("invalid subject name strategy '" + name
                    + "': expected topic, record or topic-record");
        };
    }
}
