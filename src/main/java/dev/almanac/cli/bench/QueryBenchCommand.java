package dev.almanac.cli.bench;

import dev.almanac.cli.QueryApiOptions;
import dev.almanac.cli.KafkaOptions;
import dev.almanac.cli.Main;
import dev.almanac.cli.TextTable;
import dev.almanac.cli.UserException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryApiConfig;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.ingest.RawProducer;
import dev.almanac.ingest.SyntheticObservations;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.query.http.QueryClient;
import dev.almanac.runtime.QueryNode;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Query throughput and latency through the HTTP API while the pipeline ingests, next to the pipeline's
 * own rate with and without the query load, all in one run on one broker: the ratios are the figures
 * that travel between machines.
 */
@Command(name = "queries", header = "Measures SQL queries through the HTTP API while the pipeline ingests.", mixinStandardHelpOptions = true,
        description = {"Benchmarks SQL queries through the HTTP API (key lookups on latest and current, as-of lookups, 100-row",
            "series prefix queries, COUNT(*) over current, GET /tables), idle and while the pipeline ingests synthetic",
            "observations, and the pipeline's rate with and without that load, in one run.",
            "Starts a fresh embedded broker in a temporary folder unless --bootstrap-servers is given."})
final class QueryBenchCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    BenchOptions bench;

    @Option(names = "--preload", paramLabel = "N", defaultValue = "100000", description = "Observations loaded before measuring (default: ${DEFAULT-VALUE}).")
    long preload;

    @Option(names = "--events", paramLabel = "N", defaultValue = "100000", description = "Observations ingested in each measured phase (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--regions", paramLabel = "N", defaultValue = "50",
            description = "Synthetic districts: 8 indicators × N series, up to 130 periods each (default: ${DEFAULT-VALUE}).")
    int regions;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "8", description = "Concurrent HTTP clients, one keep-alive connection each (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--idle-seconds", paramLabel = "S", defaultValue = "10", description = "Length of the query phases without ingestion (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    /** What one phase measured. */
    private record Phase(String name, double ingestRate, long queries, long failures, double seconds, long[] latenciesNanos,
                         double cpuMillisPerQuery) {
        double qps() {
            return queries / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p / 100 * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, i)] / 1e6;
        }
    }

    @Override
    public Integer call() throws Exception {
        // The derived tables measured: --definitions FILE, or the bundled ones.
        dev.almanac.derived.definition.DerivedDefinitions definitions = kafka.definitions();
        if (events < 1 || preload < 1 || regions < 1 || clients < 1 || idleSeconds < 1) {
            throw new UserException("--preload, --events, --regions, --clients and --idle-seconds must be positive", Main.USAGE);
        }
        PrintWriter out = bench.out();
        try (BenchWorkspace workspace = BenchWorkspace.create("almanac-bench-queries")) {
            String bootstrap = workspace.bootstrap(kafka.bootstrapServers(), out);
            AlmanacConfig config = workspace.config(kafka.config(bootstrap), "q")
                    .withQueryApi(new QueryApiConfig(QueryApiOptions.freePort(), "127.0.0.1", Optional.empty(), 10_000, Duration.ofSeconds(30)));
            TopicCatalogue topics = TopicCatalogue.create(config.topicPrefix(), new AvroSerdes(new LocalSchemaRegistry()));
            List<Phase> phases = new ArrayList<>();
            try (Pipeline pipeline = new Pipeline(config, topics, definitions); QueryNode node = QueryNode.start(pipeline);
                 CaughtUpCheck settle = new CaughtUpCheck(bootstrap)) {
                pipeline.start(Duration.ofSeconds(120));
                QueryClient client = new QueryClient(node.url(), Optional.empty());
                out.printf("Preloading %,d synthetic observations ...%n", preload);
                out.flush();
                long seedNext = bench.seed;
                ingest(pipeline, settle, topics, preload, seedNext++);
                settleDerived(pipeline, settle);

                List<String> keyQueries = keyLookups(client, "latest", "period");
                List<String> currentQueries = keyLookups(client, "current", "frequency");
                List<String> asOfQueries = keyQueries.stream().map(q -> q.replace("FROM latest WHERE",
                        "FROM latest FOR SYSTEM_TIME AS OF TIMESTAMP '2100-01-01 00:00:00' WHERE")).toList();
                List<String> scanQueries = seriesScans(client);
                out.printf("Query mix: %,d distinct key lookups, %,d series with at least 100 periods; %d clients%n",
                        keyQueries.size(), scanQueries.size(), clients);
                // The sizes the scan and count phases work on: the targets for scans are for tables of up to 1,000 rows.
                long currentRows = count(client, "current");
                long latestRows = count(client, "latest");
                out.printf("Tables after the preload: current %,d rows, latest %,d rows (its history holds every vintage)%n",
                        currentRows, latestRows);
                out.flush();
                Workload keys = Workload.sql(keyQueries, 1);
                Workload scans = Workload.sql(scanQueries, 100);

                phases.add(phase("ingest only", pipeline, settle, topics, node.url(), null, seedNext++, out));
                phases.add(phase("ingest + key lookups", pipeline, settle, topics, node.url(), keys, seedNext++, out));
                phases.add(phase("ingest + 100-row prefix queries", pipeline, settle, topics, node.url(), scans, seedNext++, out));
                phases.add(phase("ingest only (again)", pipeline, settle, topics, node.url(), null, seedNext++, out));
                phases.add(idle("key lookups, latest", node.url(), keys, out));
                phases.add(idle("key lookups, current", node.url(), Workload.sql(currentQueries, 1), out));
                phases.add(idle("as-of key lookups, latest", node.url(), Workload.sql(asOfQueries, 1), out));
                phases.add(idle("100-row prefix queries", node.url(), scans, out));
                phases.add(idle(String.format("COUNT(*) FROM current (%,d rows)", currentRows), node.url(),
                        Workload.sql(List.of("SELECT COUNT(*) FROM current"), 1), out));
                phases.add(idle("GET /tables", node.url(), new Workload(i -> null, -1), out));
            }
            double baseline = (phases.get(0).ingestRate() + phases.get(3).ingestRate()) / 2;
            out.printf("%nalmanac bench queries: %,d preloaded + %,d per phase synthetic observations, %d series × up to 130 periods, "
                            + "%d partitions, %s, %s broker, %d clients, %d cores%n",
                    preload, events, 8 * regions, config.partitions(), config.exactlyOnce() ? "exactly_once_v2" : "at_least_once",
                    workspace.brokerKind(), clients, Runtime.getRuntime().availableProcessors());
            TextTable table = new TextTable(List.of("phase", "pipeline records/s", "ratio to ingest only", "queries/s", "p50 ms", "p99 ms",
                    "p99.9 ms", "failed", "CPU ms/query"));
            for (Phase p : phases) {
                boolean ingest = !Double.isNaN(p.ingestRate());
                boolean queries = p.latenciesNanos().length > 0;
                table.add(List.of(p.name(),
                        ingest ? String.format("%,.0f", p.ingestRate()) : "-",
                        ingest ? String.format("%.3f", p.ingestRate() / baseline) : "-",
                        queries ? String.format("%,.0f", p.qps()) : "-",
                        queries ? String.format("%.2f", p.percentileMillis(50)) : "-",
                        queries ? String.format("%.2f", p.percentileMillis(99)) : "-",
                        queries ? String.format("%.2f", p.percentileMillis(99.9)) : "-",
                        queries ? Long.toString(p.failures()) : "-",
                        Double.isNaN(p.cpuMillisPerQuery()) ? "-" : String.format("%.3f", p.cpuMillisPerQuery())));
            }
            out.print(table.render());
            out.println("(ratio: against the mean of the two ingest-only phases; pipeline rate: records from the first send until the");
            out.println(" foundation has processed and committed all of them, each phase started once the derived application had");
            out.println(" caught up too; latency: HTTP round trip of POST /query over a keep-alive");
            out.println(" connection per client; failed: errors and answers with an unexpected number of rows; CPU ms/query, phases");
            out.println(" without ingestion: CPU time of this whole JVM (HTTP server, queries, the clients themselves) per query,");
            out.println(" less sensitive than rates and latencies to other work on the machine)");
            out.flush();
            return 0;
        }
    }

    private Phase phase(String name, Pipeline pipeline, CaughtUpCheck settle, TopicCatalogue topics, String url,
                        Workload queries, long phaseSeed, PrintWriter out) throws Exception {
        out.printf("Phase: %s ...%n", name);
        out.flush();
        Load load = queries == null ? null : new Load(url, queries, clients);
        long t = System.nanoTime();
        double rate = ingest(pipeline, settle, topics, events, phaseSeed);
        double seconds = (System.nanoTime() - t) / 1e9;
        if (load != null) {
            load.stop();
        }
        settleDerived(pipeline, settle);
        return load == null ? new Phase(name, rate, 0, 0, seconds, new long[0], Double.NaN)
                : new Phase(name, rate, load.done.get(), load.failed.get(), seconds, load.latencies(), Double.NaN);
    }

    /**
     * Waits (outside any measured time) until the derived application has processed everything: it lags the
     * foundation, and while it catches up it takes the cores from whatever the next phase measures.
     */
    private static void settleDerived(Pipeline pipeline, CaughtUpCheck settle) throws InterruptedException {
        settle.await(Pipeline.derivedApplicationId(pipeline.config()), CaughtUpCheck.sourceTopics(pipeline.derivedTopology()),
                Duration.ofMinutes(30));
    }

    private Phase idle(String name, String url, Workload queries, PrintWriter out) throws Exception {
        out.printf("Phase: %s (%d s) ...%n", name, idleSeconds);
        out.flush();
        Load load = new Load(url, queries, clients);
        long t = System.nanoTime();
        long cpu = processCpuNanos();
        TimeUnit.SECONDS.sleep(idleSeconds); // the phase's length: the clients keep querying meanwhile
        load.stop();
        double cpuMillis = (processCpuNanos() - cpu) / 1e6;
        long done = load.done.get();
        return new Phase(name, Double.NaN, done, load.failed.get(), (System.nanoTime() - t) / 1e9, load.latencies(),
                done == 0 ? Double.NaN : cpuMillis / done);
    }

    /** CPU time of this JVM, all threads; the broker runs in another process. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Sends {@code n} synthetic observations and waits until the foundation processed them; returns records/s. */
    private double ingest(Pipeline pipeline, CaughtUpCheck settle, TopicCatalogue topics, long n, long phaseSeed) throws Exception {
        long t = System.nanoTime();
        try (RawProducer producer = new RawProducer(pipeline.config().bootstrapServers())) {
            SyntheticObservations gen = new SyntheticObservations(n, regions, phaseSeed);
            while (gen.hasNext()) {
                producer.sendLine(topics.rawObservations().name(), gen.next());
            }
            producer.flush();
        }
        settle.await(pipeline.config().applicationId(), CaughtUpCheck.sourceTopics(pipeline.topology()), Duration.ofMinutes(30));
        return n / ((System.nanoTime() - t) / 1e9);
    }

    private static List<String> keyLookups(QueryClient client, String table, String third) throws Exception {
        JsonNode r = client.query("SELECT indicator, region, " + third + " FROM " + table + " WHERE indicator IN ('gdp', 'patent_grants') LIMIT 5000");
        List<String> out = new ArrayList<>();
        for (JsonNode row : r.path("rows")) {
            out.add(String.format("SELECT * FROM %s WHERE indicator = '%s' AND region = '%s' AND %s = '%s'",
                    table, row.get(0).asText(), row.get(1).asText(), third, row.get(2).asText()));
        }
        shuffle(out);
        if (out.isEmpty()) {
            throw new IllegalStateException("no " + table + " keys to look up after the preload");
        }
        return out;
    }

    private static long count(QueryClient client, String table) throws Exception {
        return client.query("SELECT COUNT(*) FROM " + table).path("rows").path(0).path(0).asLong();
    }

    private static List<String> seriesScans(QueryClient client) throws Exception {
        JsonNode r = client.query("SELECT indicator, region FROM latest GROUP BY indicator, region HAVING COUNT(*) >= 100");
        List<String> out = new ArrayList<>();
        for (JsonNode row : r.path("rows")) {
            out.add(String.format("SELECT * FROM latest WHERE indicator = '%s' AND region = '%s' LIMIT 100",
                    row.get(0).asText(), row.get(1).asText()));
        }
        shuffle(out);
        if (out.isEmpty()) {
            throw new IllegalStateException("no series with 100 periods after the preload: raise --preload or lower --regions");
        }
        return out;
    }

    private static void shuffle(List<String> list) {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = list.size() - 1; i > 0; i--) {
            java.util.Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    /**
     * What the clients send: request {@code i} is a {@code POST /query} body, or null for {@code GET /tables};
     * an answer counts as failed unless it is 200 with {@code expectedRows} rows (-1: any).
     */
    private record Workload(IntFunction<byte[]> body, int expectedRows) {
        private static final ObjectMapper JSON = new ObjectMapper();

        static Workload sql(List<String> statements, int expectedRows) throws Exception {
            List<byte[]> bodies = new ArrayList<>();
            for (String s : statements) {
                bodies.add(JSON.writeValueAsBytes(Map.of("sql", s)));
            }
            return new Workload(i -> bodies.get(Math.floorMod(i, bodies.size())), expectedRows);
        }

        boolean ok(KeepAliveHttp.Response r) throws java.io.IOException {
            if (r.status() != 200) {
                return false;
            }
            return expectedRows < 0 || JSON.readTree(r.body()).path("rows").size() == expectedRows;
        }
    }

    /** Client threads, one keep-alive connection each, sending requests back to back and timing each round trip. */
    private static final class Load {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong done = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        final List<long[]> perThread = new ArrayList<>();
        final int[] counts;

        Load(String url, Workload workload, int n) {
            counts = new int[n];
            for (int c = 0; c < n; c++) {
                long[] lat = new long[1_000_000];
                perThread.add(lat);
                int me = c;
                Thread t = new Thread(() -> {
                    int i = me * 7919;
                    try (KeepAliveHttp http = new KeepAliveHttp(url)) {
                        while (!stop.get()) {
                            byte[] body = workload.body().apply(i++);
                            long s = System.nanoTime();
                            try {
                                KeepAliveHttp.Response r = body == null ? http.get("/tables") : http.post("/query", body);
                                long d = System.nanoTime() - s;
                                if (!workload.ok(r)) {
                                    failed.incrementAndGet();
                                }
                                if (counts[me] < lat.length) {
                                    lat[counts[me]++] = d;
                                }
                                done.incrementAndGet();
                            } catch (Exception e) {
                                failed.incrementAndGet();
                            }
                        }
                    }
                }, "almanac-bench-client-" + c);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }

        long[] latencies() {
            int total = Arrays.stream(counts).sum();
            long[] all = new long[total];
            int at = 0;
            for (int c = 0; c < counts.length; c++) {
                System.arraycopy(perThread.get(c), 0, all, at, counts[c]);
                at += counts[c];
            }
            Arrays.sort(all);
            return all;
        }
    }
}
