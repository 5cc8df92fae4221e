package dev.almanac.cli;

import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryNode;
import dev.almanac.web.Dashboard;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The query API of a command that runs the pipeline, and the {@code query-address} file that lets
 * {@code almanac sql} find it while it runs.
 */
final class QueryApiProcess implements AutoCloseable {

    private final QueryNode node;
    private final String written;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private QueryApiProcess(QueryNode node, String written) {
        this.node = node;
        this.written = written;
    }

    /** Starts the API for {@code pipeline} (built with its query config) and records its URL. */
    static QueryApiProcess start(Pipeline pipeline) {
        QueryNode node;
        try {
            node = QueryNode.start(pipeline, app -> Dashboard.of(pipeline).routes(app));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new UserException("query API: " + e.getMessage() + " (choose another port with --http-port, or 0 for any)");
        }
        String url = node.url();
        try {
            Files.createDirectories(Home.dir());
            Files.writeString(Home.queryAddressFile(), url + "\n");
        } catch (IOException e) {
            // almanac sql then needs --server: not a reason to stop the pipeline
            url = null;
        }
        return new QueryApiProcess(node, url);
    }

    String url() {
        return node.url();
    }

    /** The SQL engine behind the API, for the demo's summary. */
    dev.almanac.query.SqlEngine engine() {
        return node.engine();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        node.close();
        try {
            if (written != null && Files.isRegularFile(Home.queryAddressFile())
                    && Files.readString(Home.queryAddressFile()).strip().equals(written)) {
                Files.delete(Home.queryAddressFile());
            }
        } catch (IOException ignored) {
            // a stale file only makes almanac sql try a server that is gone, and say so
        }
    }
}
