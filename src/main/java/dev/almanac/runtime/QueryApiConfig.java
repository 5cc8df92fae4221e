package dev.almanac.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP query API of a running instance.
 *
 * @param httpPort port of the query API; 0 until resolved to a free one
 * @param advertisedHost host other instances reach this one at ({@code application.server} is host:port)
 * @param apiToken bearer token required by the API; without one the API listens on loopback only
 * @param rowCap most rows a pull query returns (the answer says when it was truncated)
 * @param queryTimeout time limit of a pull query, including waiting for partitions during a rebalance
 * @param bind the address to listen on when chosen explicitly ({@code --query-bind}); empty: every interface with a
 *             token, loopback without one
 */
public record QueryApiConfig(int httpPort, String advertisedHost, Optional<String> apiToken, int rowCap, Duration queryTimeout,
                             Optional<String> bind) {

    /** The default port of the query API (the one ksqlDB uses too). */
    public static final int DEFAULT_PORT = 8088;

    public QueryApiConfig {
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(apiToken, "apiToken");
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        Objects.requireNonNull(bind, "bind");
        if (httpPort < 0 || httpPort > 65_535) {
            throw new IllegalArgumentException("HTTP port must be 0..65535");
        }
        if (rowCap < 1) {
            throw new IllegalArgumentException("row cap must be at least 1");
        }
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("query timeout must be positive");
        }
        if (apiToken.isEmpty() && !isLoopback(advertisedHost) && bind.map(QueryApiConfig::isLoopback).orElse(true)) {
            throw new IllegalArgumentException("without an API token the query API listens on loopback only, so the advertised host must be "
                    + "loopback (127.0.0.1 or localhost); set a token (--api-token or ALMANAC_API_TOKEN) to serve other machines");
        }
    }

    public QueryApiConfig(int httpPort, String advertisedHost, Optional<String> apiToken, int rowCap, Duration queryTimeout) {
        this(httpPort, advertisedHost, apiToken, rowCap, queryTimeout, Optional.empty());
    }

    /** Port 8088 on loopback, no token, 10,000 rows, 30 s. */
    public static QueryApiConfig defaults() {
        return new QueryApiConfig(DEFAULT_PORT, "127.0.0.1", Optional.empty(), 10_000, Duration.ofSeconds(30));
    }

    /**
     * Where the server binds: the explicit {@code --query-bind} address, else every interface with a token and
     * loopback without. Binding beyond loopback without a token lets anyone who reaches the port run queries.
     */
    String bindHost() {
        return bind.orElse(apiToken.isPresent() ? "0.0.0.0" : "127.0.0.1");
    }

    /** The {@code application.server} value: advertised host and port. */
    public String applicationServer() {
        return advertisedHost + ":" + httpPort;
    }

    /** The API's base URL as other instances and clients reach it. */
    public String url() {
        return "http://" + advertisedHost + ":" + httpPort;
    }

    QueryApiConfig withHttpPort(int port) {
        return new QueryApiConfig(port, advertisedHost, apiToken, rowCap, queryTimeout, bind);
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    @Override
    public String toString() {
        // The token stays out of logs.
        return "QueryApiConfig[httpPort=" + httpPort + ", advertisedHost=" + advertisedHost + ", apiToken="
                + (apiToken.isPresent() ? "(set)" : "(none)") + ", rowCap=" + rowCap + ", queryTimeout=" + queryTimeout + ", bind=" + bind.orElse("(by token)") + "]";
    }
}
