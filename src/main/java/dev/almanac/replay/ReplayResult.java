package dev.almanac.replay;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a replay did.
 *
 * @param lines non-blank lines read
 * @param observations observation lines sent
 * @param registrations registration-event lines sent
 * @param outsideWindow lines skipped for being published outside {@code --from}/{@code --to}
 * @param bad bad lines (not JSON, no readable published), sent to the raw observations topic for the dead-letter topic
 * @param badExamples the first few bad lines as {@code file:line: problem}
 * @param firstPublished earliest publication time sent
 * @param lastPublished latest publication time sent
 * @param nanos how long sending took, flush included
 */
public record ReplayResult(long lines, long observations, long registrations, long outsideWindow, long bad,
                           List<String> badExamples, OptionalLong firstPublished, OptionalLong lastPublished, long nanos) {

    /** Records sent, of every kind. */
    long sent() {
        return observations + registrations + bad;
    }

    public double seconds() {
        return nanos / 1e9;
    }
}
