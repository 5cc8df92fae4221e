package dev.almanac.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Routes reads across the instances of one application ({@code application.server} metadata). A
 * key or series lookup goes to the partition {@link KafkaStreams#queryMetadataForKey} names (with the
 * table's partitioner: the stores are partitioned by series, not by serialized key), a scan to every
 * partition; each partition is read on its active instance, on a standby replica when the active one
 * fails, and otherwise retried with fresh metadata until the query's time limit. Either every
 * partition answers or the query fails naming the missing ones: never a silently partial answer.
 */
public final class ClusterRouter implements Router, AutoCloseable {

    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalPartitionReader local;
    private final PeerClient peers;
    private final ToIntFunction<String> partitionCount;
    private final ExecutorService fanout;

    /**
     * @param self this instance's {@code application.server}
     * @param partitionCount the number of partitions of a topic
     */
    public ClusterRouter(KafkaStreams streams, HostInfo self, LocalPartitionReader local, PeerClient peers,
                         ToIntFunction<String> partitionCount) {
        this.streams = streams;
        this.self = self;
        this.local = local;
        this.peers = peers;
        this.partitionCount = partitionCount;
        AtomicInteger n = new AtomicInteger();
        this.fanout = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "almanac-fanout-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Where one partition lives now. */
    private record Placement(HostInfo active, Set<HostInfo> standbys) {
    }

    private static final class NotAvailable extends RuntimeException {
        NotAvailable(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public List<Object[]> read(TableDef table, ReadRequest request) {
        QueryContext ctx = QueryContext.current();
        int partitions = partitionCount.applyAsInt(table.sourceTopic());
        Map<Integer, List<Object[]>> done = new TreeMap<>();
        Errors lastError = new Errors();
        Map<Integer, ReadRequest> plan = null;
        while (true) {
            Map<Integer, KeyQueryMetadata> keyMetadata = new HashMap<>();
            try {
                if (plan == null) {
                    plan = Router.plan(table, request, partitions, route -> locate(table, route, keyMetadata));
                    lastError.byPartition.remove(-1);
                } else {
                    // Re-locate routed keys: a rebalance may have moved them.
                    Router.plan(table, request, partitions, route -> locate(table, route, keyMetadata));
                }
            } catch (NotAvailable e) {
                lastError.put(-1, "metadata", e.getMessage());
            }
            if (plan != null) {
                Map<Integer, ReadRequest> pending = new TreeMap<>(plan);
                pending.keySet().removeAll(done.keySet());
                Map<Integer, Placement> where = placements(table, pending.keySet(), keyMetadata);
                readRound(table, pending, where, false, done, lastError, ctx);
                pending.keySet().removeAll(done.keySet());
                if (!pending.isEmpty()) {
                    readRound(table, pending, where, true, done, lastError, ctx);
                    pending.keySet().removeAll(done.keySet());
                }
                if (pending.isEmpty()) {
                    return Router.concat(table, done);
                }
            }
            if (ctx.remainingNanos() < RETRY_PAUSE.toNanos()) {
                throw unavailable(table, plan, done, lastError, ctx);
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QueryException(503, "interrupted while waiting for " + table.routingStore() + " partitions");
            }
        }
    }

    /** The latest failure per partition and replica (role and host), for the error message. */
    private static final class Errors {
        private final Map<Integer, Map<String, String>> byPartition = new TreeMap<>();

        void put(int partition, String who, String why) {
            byPartition.computeIfAbsent(partition, p -> new LinkedHashMap<>()).put(who, why);
        }

        void putIfAbsent(int partition, String who, String why) {
            byPartition.computeIfAbsent(partition, p -> new LinkedHashMap<>()).putIfAbsent(who, why);
        }
    }

    private QueryException unavailable(TableDef table, Map<Integer, ReadRequest> plan, Map<Integer, List<Object[]>> done,
                                       Errors lastError, QueryContext ctx) {
        Set<Integer> missing = new LinkedHashSet<>();
        if (plan != null) {
            missing.addAll(plan.keySet());
            missing.removeAll(done.keySet());
        }
        StringBuilder why = new StringBuilder();
        lastError.byPartition.forEach((p, errors) -> {
            if (p < 0 || missing.contains(p)) {
                errors.forEach((who, e) -> why.append(why.length() == 0 ? "" : "; ")
                        .append(p < 0 ? "" : "partition " + p + " ").append(who).append(": ").append(e));
            }
        });
        return new QueryException(503, "no complete answer within " + ctx.timeLimit().toMillis() + " ms: "
                + (plan == null ? "key metadata not available" : "partitions " + missing + " of " + table.routingStore() + " did not answer")
                + " (streams state " + streams.state() + "; answered: " + ctx.instancesSummary() + ")"
                + (why.length() == 0 ? "" : "; last errors: " + why));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private int locate(TableDef table, TableDef.KeyRoute<?> route, Map<Integer, KeyQueryMetadata> keyMetadata) {
        KeyQueryMetadata m;
        try {
            m = streams.queryMetadataForKey(table.routingStore(), route.key(), (StreamPartitioner) route.partitioner());
        } catch (RuntimeException e) {
            throw new NotAvailable("key metadata: " + e.getMessage());
        }
        if (m == null || m == KeyQueryMetadata.NOT_AVAILABLE || m.partition() < 0) {
            throw new NotAvailable("no metadata for key " + route.key() + " (rebalancing?)");
        }
        keyMetadata.put(m.partition(), m);
        return m.partition();
    }

    private Map<Integer, Placement> placements(TableDef table, Set<Integer> partitions, Map<Integer, KeyQueryMetadata> keyMetadata) {
        Map<Integer, Placement> where = new HashMap<>();
        boolean needAll = false;
        for (int p : partitions) {
            KeyQueryMetadata m = keyMetadata.get(p);
            if (m != null) {
                where.put(p, new Placement(m.activeHost(), m.standbyHosts()));
            } else {
                needAll = true;
            }
        }
        if (needAll) {
            Map<Integer, HostInfo> active = new HashMap<>();
            Map<Integer, Set<HostInfo>> standby = new HashMap<>();
            for (StreamsMetadata sm : streams.metadataForAllStreamsClients()) {
                for (TopicPartition tp : sm.topicPartitions()) {
                    if (tp.topic().equals(table.sourceTopic())) {
                        active.put(tp.partition(), sm.hostInfo());
                    }
                }
                for (TopicPartition tp : sm.standbyTopicPartitions()) {
                    if (tp.topic().equals(table.sourceTopic())) {
                        standby.computeIfAbsent(tp.partition(), k -> new LinkedHashSet<>()).add(sm.hostInfo());
                    }
                }
            }
            for (int p : partitions) {
                where.putIfAbsent(p, new Placement(active.get(p), standby.getOrDefault(p, Set.of())));
            }
        }
        return where;
    }

    /** Asks each host for the pending partitions it holds (as active, or as standby in the second round). */
    private void readRound(TableDef table, Map<Integer, ReadRequest> pending, Map<Integer, Placement> where, boolean standby,
                           Map<Integer, List<Object[]>> done, Errors lastError, QueryContext ctx) {
        String role = standby ? "standby" : "active";
        Map<HostInfo, Map<Integer, ReadRequest>> byHost = new LinkedHashMap<>();
        for (Map.Entry<Integer, ReadRequest> e : pending.entrySet()) {
            Placement pl = where.get(e.getKey());
            List<HostInfo> hosts = new ArrayList<>();
            if (pl != null && !standby && usable(pl.active())) {
                hosts.add(pl.active());
            }
            if (pl != null && standby) {
                pl.standbys().stream().filter(ClusterRouter::usable).forEach(hosts::add);
            }
            if (hosts.isEmpty()) {
                lastError.putIfAbsent(e.getKey(), role, standby ? "no standby replica known" : "no active replica known (rebalancing?)");
                continue;
            }
            // Prefer this instance among standbys: no network hop.
            HostInfo pick = hosts.contains(self) ? self : hosts.get(0);
            byHost.computeIfAbsent(pick, h -> new TreeMap<>()).put(e.getKey(), e.getValue());
        }
        Map<HostInfo, CompletableFuture<PartitionAnswer>> remote = new LinkedHashMap<>();
        for (Map.Entry<HostInfo, Map<Integer, ReadRequest>> e : byHost.entrySet()) {
            if (!e.getKey().equals(self)) {
                Duration left = Duration.ofNanos(Math.max(1, ctx.remainingNanos()));
                remote.put(e.getKey(), CompletableFuture.supplyAsync(
                        () -> peers.read(e.getKey(), table.name(), e.getValue(), standby, left), fanout));
            }
        }
        if (byHost.containsKey(self)) {
            collect(table, local.read(table.name(), byHost.get(self), standby), standby, done, lastError, ctx, role + " " + name(self));
        }
        for (Map.Entry<HostInfo, CompletableFuture<PartitionAnswer>> e : remote.entrySet()) {
            HostInfo host = e.getKey();
            try {
                PartitionAnswer a = e.getValue().get(Math.max(1, ctx.remainingNanos()), TimeUnit.NANOSECONDS);
                collect(table, a, standby, done, lastError, ctx, role + " " + name(host));
            } catch (ExecutionException ex) {
                QueryException q = QueryException.find(ex.getCause());
                if (q != null) {
                    throw q;
                }
                String why = ex.getCause().getMessage();
                byHost.get(host).keySet().forEach(p -> lastError.put(p, role + " " + name(host), why));
            } catch (TimeoutException ex) {
                e.getValue().cancel(true);
                byHost.get(host).keySet().forEach(p -> lastError.put(p, role + " " + name(host), "did not answer in time"));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new QueryException(503, "interrupted while reading from " + host);
            }
        }
    }

    private static void collect(TableDef table, PartitionAnswer a, boolean standby, Map<Integer, List<Object[]>> done,
                                Errors lastError, QueryContext ctx, String who) {
        a.rows().forEach((p, rows) -> {
            done.put(p, rows);
            ctx.answered(a.instance(), table.routingStore(), p, standby);
        });
        a.failures().forEach((p, why) -> lastError.put(p, who, why));
    }

    private static String name(HostInfo h) {
        return h.host() + ":" + h.port();
    }

    private static boolean usable(HostInfo h) {
        return h != null && h.port() > 0 && !"unavailable".equals(h.host());
    }

    @Override
    public void close() {
        fanout.shutdownNow();
    }
}
