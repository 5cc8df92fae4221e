package dev.almanac.cli;

import dev.almanac.runtime.QueryApiConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options of the HTTP query API, for the commands that run the pipeline. Environment variables are the fallback. */
public final class QueryApiOptions {

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8088",
            description = "Port of the SQL query API; 0 picks a free one (env ALMANAC_HTTP_PORT; default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--advertised-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Host name other instances reach this one at (application.server; env ALMANAC_ADVERTISED_HOST; default: ${DEFAULT-VALUE}).")
    String advertisedHost;

    @Option(names = "--api-token", paramLabel = "TOKEN",
            description = "Bearer token the query API requires (prefer env ALMANAC_API_TOKEN); without one it listens on loopback only.")
    String apiToken;

    @Option(names = "--query-bind", paramLabel = "ADDRESS",
            description = "Address the query API listens on, e.g. 0.0.0.0 for probes and metrics from other machines "
                    + "(default: every interface with a token, loopback without). Without a token anyone who reaches it can query.")
    String queryBind;

    @Option(names = "--row-cap", paramLabel = "N", defaultValue = "10000", description = "Most rows a pull query returns (default: ${DEFAULT-VALUE}).")
    int rowCap;

    @Option(names = "--query-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Time limit of a query, including waiting out a rebalance (default: ${DEFAULT-VALUE}).")
    int queryTimeoutSeconds;

    QueryApiConfig config() {
        return config(false);
    }

    /**
     * @param anyPortWhenBusy take a free port when the requested one is in use (the demo, where the
     *                        address file tells {@code almanac sql} where it went)
     */
    QueryApiConfig config(boolean anyPortWhenBusy) {
        int port = httpPort;
        if (port == 0 || (anyPortWhenBusy && !free(port))) {
            port = freePort();
        }
        try {
            return new QueryApiConfig(port, advertisedHost, Optional.ofNullable(apiToken).filter(t -> !t.isBlank()), rowCap,
                    Duration.ofSeconds(queryTimeoutSeconds), Optional.ofNullable(queryBind).filter(b -> !b.isBlank()));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), Main.USAGE);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UserException("cannot find a free port: " + e.getMessage());
        }
    }
}
