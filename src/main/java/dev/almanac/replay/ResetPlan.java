package dev.almanac.replay;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reset will do.
 *
 * @param bootstrapServers the cluster
 * @param apps what happens to each application
 * @param derivedTopics existing topics the applications write: deleted and recreated unless kept
 * @param keepDerivedTopics keep the derived topics
 * @param selfFedTopics derived topics an application reads back itself (the valid topic, which the
 *        foundation's history store is restored from): recreated even when derived topics are kept,
 *        since keeping one would keep the state the reset is meant to drop
 */
public record ResetPlan(String bootstrapServers, List<AppPlan> apps, Set<String> derivedTopics, boolean keepDerivedTopics,
                        Set<String> selfFedTopics) {

    public ResetPlan(String bootstrapServers, List<AppPlan> apps, Set<String> derivedTopics, boolean keepDerivedTopics) {
        this(bootstrapServers, apps, derivedTopics, keepDerivedTopics, Set.of());
    }

    /** The topics the reset deletes and recreates empty. */
    public Set<String> recreated() {
        return keepDerivedTopics ? selfFedTopics : derivedTopics;
    }

    /**
     * What a reset does to one application.
     *
     * @param applicationId the application (and consumer group) id
     * @param groupExists whether the group has committed offsets or members
     * @param inputTopics existing topics it reads that no application writes: rewound to their beginning
     * @param intermediateTopics existing topics it reads that an application writes: skipped to their end when kept
     * @param internalTopics existing internal topics: deleted
     * @param localState its local state directory
     * @param localStateExists whether it exists
     */
    public record AppPlan(String applicationId, boolean groupExists, Set<String> inputTopics, Set<String> intermediateTopics,
                          Set<String> internalTopics, Path localState, boolean localStateExists) {

        boolean empty() {
            return !groupExists && internalTopics.isEmpty() && !localStateExists;
        }
    }

    /** Whether there is anything to delete. */
    public boolean empty() {
        return apps.stream().allMatch(AppPlan::empty) && recreated().isEmpty();
    }

    /** Every input topic of every application. */
    public Set<String> inputTopics() {
        Set<String> all = new TreeSet<>();
        apps.forEach(a -> all.addAll(a.inputTopics()));
        return all;
    }

    /** A readable account of what will be deleted and what is kept. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("Reset on ").append(bootstrapServers).append(": every table is rebuilt from the beginning of the input topics.\n");
        for (AppPlan a : apps) {
            sb.append("Application '").append(a.applicationId()).append("' - deletes:\n");
            sb.append("  consumer group offsets  ").append(a.groupExists() ? "group '" + a.applicationId() + "'" : "(none: the group has no offsets)")
                    .append(a.inputTopics().isEmpty() ? "" : "; then " + String.join(", ", a.inputTopics()) + " are read again from their beginning")
                    .append('\n');
            sb.append("  internal topics         ").append(a.internalTopics().isEmpty() ? "(none exist)" : String.join(", ", a.internalTopics())).append('\n');
            sb.append("  local state             ").append(a.localState()).append(a.localStateExists() ? "" : " (does not exist)").append('\n');
        }
        if (keepDerivedTopics) {
            sb.append("Keeps (--keep-derived-topics) the derived topics ").append(derivedTopics.isEmpty() ? "(none exist)" : String.join(", ", derivedTopics))
                    .append(": the rebuilt rows are appended (compaction keeps the newest per key); where an application reads one,")
                    .append(" it starts at the current end, so old records are not processed twice.\n");
            if (!selfFedTopics.isEmpty()) {
                sb.append("Deletes and recreates empty all the same ").append(String.join(", ", selfFedTopics))
                        .append(": the application that writes it restores its state from it.\n");
            }
        } else {
            sb.append("Deletes and recreates empty (same partitions and configs) the derived topics:\n  ")
                    .append(derivedTopics.isEmpty() ? "(none exist)" : String.join(", ", derivedTopics)).append('\n');
        }
        sb.append("Keeps the input topics").append(inputTopics().isEmpty() ? "" : " " + String.join(", ", inputTopics()))
                .append(" and everything in them (bad records reach the dead-letter topics again when reprocessed).\n");
        return sb.toString();
    }
}
