package dev.almanac.query.http;

import dev.almanac.query.PartitionAnswer;
import dev.almanac.query.PeerClient;
import dev.almanac.query.QueryException;
import dev.almanac.query.ReadRequest;
import dev.almanac.query.StoreUnavailableException;
import dev.almanac.query.TableRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/** Reads partitions from other instances over {@code POST /internal/read}, with the shared bearer token. */
public final class HttpPeerClient implements PeerClient {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final TableRegistry tables;
    private final Optional<String> token;

    public HttpPeerClient(TableRegistry tables, Optional<String> token) {
        this.tables = tables;
        this.token = token;
    }

    @Override
    public PartitionAnswer read(HostInfo host, String table, Map<Integer, ReadRequest> requests, boolean allowStandby, Duration timeout) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + QueryServer.INTERNAL_READ))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(PeerJson.request(table, requests, allowStandby, timeout.toMillis())));
            token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
            HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                return PeerJson.parseAnswer(response.body(), tables.require(table));
            }
            String message = QueryServer.errorMessage(response.body());
            if (response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 401 && response.statusCode() != 408) {
                throw new QueryException(response.statusCode(), message);
            }
            throw new StoreUnavailableException(host + " answered " + response.statusCode() + ": " + message);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot reach " + host + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while asking " + host, e);
        } catch (QueryException | StoreUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreUnavailableException("bad answer from " + host + ": " + e.getMessage(), e);
        }
    }
}
