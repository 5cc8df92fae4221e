package dev.almanac.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing decisions of {@link ClusterRouter} against scripted cluster metadata: which instance is asked
 * for which partition, the fallback to standbys, and the refusal to return a partial answer.
 */
class ClusterRouterTest {

    private static final String TOPIC = "src";
    private static final int PARTITIONS = 4;
    private static final HostInfo SELF = new HostInfo("self", 1);
    private static final HostInfo PEER = new HostInfo("peer", 2);

    /** One row per partition read: [partition, who read it]. */
    private static final class PartitionTable implements TableDef {
        @Override
        public String name() {
            return "t";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public List<Column> columns() {
            return List.of(new Column("p", SqlTypeName.INTEGER, ""), new Column("by", SqlTypeName.VARCHAR, ""));
        }

        @Override
        public List<String> keyColumns() {
            return List.of("p");
        }

        @Override
        public boolean temporal() {
            return false;
        }

        @Override
        public String routingStore() {
            return "t-store";
        }

        @Override
        public String sourceTopic() {
            return TOPIC;
        }

        @Override
        public Optional<KeyRoute<?>> route(List<String> prefix) {
            StreamPartitioner<String, Object> byNumber = (topic, key, value, n) -> Optional.of(Set.of(Integer.parseInt(key) % n));
            return Optional.of(new KeyRoute<>(prefix.get(0), byNumber));
        }

        @Override
        public List<Object[]> readPartition(LocalStores stores, int partition, boolean allowStandby, ReadRequest request) {
            if (down.contains(stores.instance() + "/" + partition)) {
                throw new StoreUnavailableException("partition " + partition + " is restoring");
            }
            return List.<Object[]>of(new Object[] {partition, stores.instance()});
        }

        final Set<String> down = new HashSet<>();
    }

    /** Scripted metadata: who is active and standby for each partition. */
    private static final class ScriptedStreams extends KafkaStreams {
        final Map<Integer, HostInfo> active = new HashMap<>();
        final Map<Integer, Set<HostInfo>> standby = new HashMap<>();

        ScriptedStreams(Properties p) {
            super(topology(), p);
        }

        static Topology topology() {
            Topology t = new Topology();
            t.addSource("s", TOPIC);
            return t;
        }

        @Override
        public Collection<StreamsMetadata> metadataForAllStreamsClients() {
            List<StreamsMetadata> all = new ArrayList<>();
            for (HostInfo h : List.of(SELF, PEER)) {
                Set<TopicPartition> act = new HashSet<>();
                Set<TopicPartition> sby = new HashSet<>();
                active.forEach((p, host) -> {
                    if (host.equals(h)) {
                        act.add(new TopicPartition(TOPIC, p));
                    }
                });
                standby.forEach((p, hosts) -> {
                    if (hosts.contains(h)) {
                        sby.add(new TopicPartition(TOPIC, p));
                    }
                });
                all.add(new Meta(h, act, sby));
            }
            return all;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public <K> KeyQueryMetadata queryMetadataForKey(String store, K key, StreamPartitioner<? super K, ?> partitioner) {
            Optional<Set<Integer>> ps = ((StreamPartitioner) partitioner).partitions(TOPIC, key, null, PARTITIONS);
            int p = ps.orElseThrow().iterator().next();
            HostInfo a = active.get(p);
            return a == null ? KeyQueryMetadata.NOT_AVAILABLE : new KeyQueryMetadata(a, standby.getOrDefault(p, Set.of()), p);
        }
    }

    private record Meta(HostInfo hostInfo, Set<TopicPartition> topicPartitions, Set<TopicPartition> standbyTopicPartitions)
            implements StreamsMetadata {
        @Override
        public Set<String> stateStoreNames() {
            return Set.of("t-store");
        }

        @Override
        public Set<String> standbyStateStoreNames() {
            return Set.of("t-store");
        }

        @Override
        public String host() {
            return hostInfo.host();
        }

        @Override
        public int port() {
            return hostInfo.port();
        }
    }

    /** Local stores that only tell their name: the test table needs nothing else. */
    private record Named(String instance) implements LocalStores {
        @Override
        public String changelogTopic(String store) {
            return store;
        }

        @Override
        public <K, V> ReadOnlyKeyValueStore<K, V> keyValue(String store, int partition, boolean allowStandby) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReadOnlyKeyValueStore<Bytes, byte[]> serializedKeyValue(String store, int partition, boolean allowStandby) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <R> R query(String store, int partition, boolean allowStandby, Query<R> query) {
            throw new UnsupportedOperationException();
        }
    }

    private final PartitionTable table = new PartitionTable();
    private final List<String> peerCalls = new ArrayList<>();
    private boolean peerReachable = true;
    private ScriptedStreams streams;
    private ClusterRouter router;

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "router-test");
        // Never started: the clients are created but nothing connects.
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/router-test-" + System.nanoTime());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        streams = new ScriptedStreams(p);
        TableRegistry registry = new TableRegistry().register(table);
        LocalPartitionReader self = new LocalPartitionReader(new Named("self:1"), registry);
        LocalPartitionReader peer = new LocalPartitionReader(new Named("peer:2"), registry);
        PeerClient client = (host, name, requests, allowStandby, timeout) -> {
            peerCalls.add(host + " " + new TreeSet<>(requests.keySet()) + (allowStandby ? " standby" : ""));
            if (!peerReachable) {
                throw new StoreUnavailableException("connection refused");
            }
            return peer.read(name, requests, allowStandby);
        };
        router = new ClusterRouter(streams, SELF, self, client, topic -> PARTITIONS);
        for (int i = 0; i < PARTITIONS; i++) {
            streams.active.put(i, i % 2 == 0 ? SELF : PEER);
            streams.standby.put(i, Set.of(i % 2 == 0 ? PEER : SELF));
        }
    }

    @AfterEach
    void stop() {
        router.close();
        streams.close(Duration.ofSeconds(5));
    }

    private List<String> read(ReadRequest request, Duration limit) throws Exception {
        QueryContext ctx = new QueryContext(limit);
        return ctx.with(() -> router.read(table, request).stream().map(r -> r[0] + "@" + r[1]).toList());
    }

    @Test
    void shouldAskOnlyTheOwnerWhenTheKeyIsFixed() throws Exception {
        assertEquals(List.of("3@peer:2"), read(ReadRequest.keys(List.of(List.of("3")), null), Duration.ofSeconds(5)));
        assertEquals(List.of("HostInfo{host='peer', port=2} [3]"), peerCalls);
        peerCalls.clear();
        assertEquals(List.of("2@self:1"), read(ReadRequest.keys(List.of(List.of("6")), null), Duration.ofSeconds(5)));
        assertEquals(List.of(), peerCalls, "a key this instance owns needs no network hop");
    }

    @Test
    void shouldReadEveryPartitionOnceWhenScanning() throws Exception {
        assertEquals(List.of("0@self:1", "1@peer:2", "2@self:1", "3@peer:2"), read(ReadRequest.all(null), Duration.ofSeconds(5)));
        assertEquals(List.of("HostInfo{host='peer', port=2} [1, 3]"), peerCalls);
    }

    @Test
    void shouldFallBackToAStandbyWhenTheActiveInstanceFails() throws Exception {
        peerReachable = false;
        QueryContext ctx = new QueryContext(Duration.ofSeconds(5));
        List<String> rows = ctx.with(() -> router.read(table, ReadRequest.all(null)).stream().map(r -> r[0] + "@" + r[1]).toList());
        assertEquals(List.of("0@self:1", "1@self:1", "2@self:1", "3@self:1"), rows);
        assertTrue(ctx.answers().contains(new QueryContext.Answer("self:1", "t-store", 1, true)), ctx.answers().toString());
        assertTrue(ctx.answers().contains(new QueryContext.Answer("self:1", "t-store", 0, false)), ctx.answers().toString());
    }

    @Test
    void shouldFailNamingTheMissingPartitionsWhenNoReplicaAnswers() {
        peerReachable = false;
        table.down.add("self:1/3");
        // Long enough that a loaded machine still sees the retries give up (503) before the query deadline (504).
        QueryException e = assertThrows(QueryException.class, () -> read(ReadRequest.all(null), Duration.ofSeconds(2)));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("partitions [3] of t-store did not answer"), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused") && e.getMessage().contains("restoring"), e.getMessage());
    }

    @Test
    void shouldWaitForMetadataWhenTheKeyHasNoOwnerYet() {
        streams.active.remove(1);
        QueryException e = assertThrows(QueryException.class, () -> read(ReadRequest.keys(List.of(List.of("1")), null), Duration.ofMillis(400)));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("key metadata not available"), e.getMessage());
    }
}
