package dev.almanac.query;

import dev.almanac.kafka.TopicCatalogue;

/** The standard set of queryable tables. */
public final class QueryTables {

    private QueryTables() {
    }

    /** Every table Almanac serves over its topics and stores. */
    public static TableRegistry standard(TopicCatalogue topics) {
        return new TableRegistry()
                .register(new LatestTable(topics))
                .register(new CurrentTable(topics))
                .register(new RevisionsTable(topics))
                .register(new RejectedSummaryTable(topics));
    }
}
