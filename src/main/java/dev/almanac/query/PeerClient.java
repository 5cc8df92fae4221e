package dev.almanac.query;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/** Asks another instance of the application to read partitions of a table from its own stores. */
public interface PeerClient {

    /**
     * @throws StoreUnavailableException when the instance cannot be reached or does not answer in time
     * @throws QueryException when the instance rejects the request itself (a 4xx answer)
     */
    PartitionAnswer read(HostInfo host, String table, Map<Integer, ReadRequest> requests, boolean allowStandby, Duration timeout);
}
