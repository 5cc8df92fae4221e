package dev.almanac.query.http;

import dev.almanac.query.QueryException;
import dev.almanac.runtime.QueryNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryApiConfig;
import dev.almanac.runtime.CaughtUpCheck;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.SeriesPartitioner;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.query.ChangeStream;
import dev.almanac.query.LocalPartitionReader;
import dev.almanac.query.QueryTables;
import dev.almanac.query.StreamsLocalStores;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import dev.almanac.avro.Region;
import dev.almanac.region.RegionJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The query API of one instance on a real broker with the bundled dataset replayed, queried over HTTP. */
@Timeout(240)
class QueryHttpIT {

    private static KafkaCluster cluster;
    private static Path state;
    private static TopicCatalogue topics;
    private static Pipeline pipeline;
    private static QueryNode node;
    private static QueryClient client;
    private static AlmanacConfig config;

    @BeforeAll
    static void start() throws Exception {
        cluster = KafkaCluster.start(1);
        state = Files.createTempDirectory("query-http-it");
        config = AlmanacConfig.defaults(cluster.bootstrapServers(), state).withApplicationId("query-http-it").withTopicPrefix("qhit")
                .withQueryApi(new QueryApiConfig(Fixtures.freePort(), "127.0.0.1", Optional.empty(), 10_000, Duration.ofSeconds(30)));
        topics = Fixtures.catalogue(config.topicPrefix());
        pipeline = new Pipeline(config, topics);
        node = QueryNode.start(pipeline);
        pipeline.start(Duration.ofSeconds(90));
        Fixtures.sendBundledRegions(cluster.bootstrapServers(), topics);
        try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
            Fixtures.bundledObservations().forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
            producer.flush();
        }
        pipeline.awaitSettled(Duration.ofSeconds(120));
        client = new QueryClient(node.url(), Optional.empty());
    }

    @AfterAll
    static void stop() throws Exception {
        Fixtures.closeAll(node, pipeline, cluster);
        dev.almanac.broker.EmbeddedBroker.deleteTree(state);
    }

    private static List<List<String>> rows(JsonNode answer) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode r : answer.path("rows")) {
            List<String> row = new ArrayList<>();
            r.forEach(v -> row.add(v.isNull() ? null : v.asText()));
            out.add(row);
        }
        return out;
    }

    @Test
    void shouldAnswerKeyLookupFromTheOwningPartition() throws Exception {
        JsonNode r = client.query("SELECT value, value_text, published FROM latest "
                + "WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025'");
        assertEquals(List.of(List.of("5.2073E12", "5.2073万亿", "2026-01-26T00:00:00Z")), rows(r));
        assertEquals("VARCHAR", r.path("columns").get(1).path("type").asText());
        JsonNode answered = r.path("instances").get(0);
        assertEquals(config.queryApi().applicationServer(), answered.path("instance").asText());
        int partition = SeriesPartitioner.partition("gdp", "CN-BJ", config.partitions());
        assertEquals("[" + partition + "]", answered.path("partitions").path("latest-history-store").toString(),
                "a key lookup reads only the partition that holds the key: " + r.path("instances"));
    }

    @Test
    void shouldReturnEveryBeijingDistrictWhenRegionPrefixIsQueried() throws Exception {
        JsonNode r = client.query("SELECT indicator, region, period, value FROM latest WHERE region LIKE 'CN-BJ-%' "
                + "ORDER BY region, indicator, period");
        long expected = Fixtures.bundledObservations().stream()
                .map(l -> ObservationJson.parse(l.getBytes(StandardCharsets.UTF_8)))
                .filter(o -> o.getRegion().startsWith("CN-BJ-"))
                .map(o -> o.getIndicator() + "|" + o.getRegion() + "|" + o.getPeriod()).distinct().count();
        assertEquals(expected, r.path("rows").size(), r.toString());
        rows(r).forEach(row -> assertTrue(row.get(1).startsWith("CN-BJ-"), row.toString()));
        int partitionsAnswered = 0;
        for (JsonNode i : r.path("instances")) {
            partitionsAnswered += i.path("partitions").path("latest-history-store").size();
        }
        assertEquals(config.partitions(), partitionsAnswered, "a scan reads every partition: " + r.path("instances"));
    }

    @Test
    void shouldOrderDescendingWhenAsked() throws Exception {
        List<List<String>> rows = rows(client.query("SELECT region, value FROM current WHERE indicator = 'gdp' AND frequency = 'A' "
                + "ORDER BY value DESC"));
        assertTrue(rows.size() >= 2, rows.toString());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(Double.parseDouble(rows.get(i - 1).get(1)) >= Double.parseDouble(rows.get(i).get(1)), rows.toString());
        }
    }

    @Test
    void shouldJoinLatestWithCurrentValues() throws Exception {
        List<List<String>> rows = rows(client.query("SELECT l.period, l.value, c.period AS newest, c.value AS current_value "
                + "FROM latest l JOIN current c ON l.indicator = c.indicator AND l.region = c.region AND l.frequency = c.frequency "
                + "WHERE l.indicator = 'registered_llm_count' AND l.region = 'CN-BJ' ORDER BY l.period"));
        assertEquals(List.of(
                List.of("asof:2025-06-23", "132.0", "asof:2025-12-31", "209.0"),
                List.of("asof:2025-12-08", "183.0", "asof:2025-12-31", "209.0"),
                List.of("asof:2025-12-31", "209.0", "asof:2025-12-31", "209.0")), rows);
    }

    @Test
    void shouldJoinSharesWithRegionNamesOrderedByShareDescending() throws Exception {
        List<List<String>> rows = rows(client.query("SELECT s.region, r.name_en, p.name_en AS parent, s.period, s.value "
                + "FROM shares s JOIN regions r ON r.code = s.region JOIN regions p ON p.code = s.parent "
                + "WHERE s.base_indicator = 'gdp' ORDER BY s.value DESC"));
        assertFalse(rows.isEmpty());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(Double.parseDouble(rows.get(i - 1).get(4)) >= Double.parseDouble(rows.get(i).get(4)), rows.toString());
        }
        List<String> pudong = rows.stream().filter(r -> r.get(0).equals("CN-SH-PD")).findFirst().orElseThrow(() -> new AssertionError(rows));
        assertEquals("Shanghai", pudong.get(2));
        assertEquals(100 * 1.88 / 5.67, Double.parseDouble(pudong.get(4)), 0.01);
    }

    @Test
    void shouldCountAsManyCurrentRowsAsAScanReturns() throws Exception {
        // The count reads the running application's stores beneath their serdes (every partition, the record
        // cache included); the scan decodes them. Live and as of a date, whole table and one indicator.
        for (String from : List.of("current", "current WHERE indicator = 'gdp'",
                "current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'")) {
            int rows = client.query("SELECT indicator FROM " + from).path("rows").size();
            assertTrue(rows > 0, from);
            assertEquals(List.of(List.of(Integer.toString(rows))), rows(client.query("SELECT COUNT(*) FROM " + from)), from);
        }
    }

    @Test
    void shouldAnswerCurrentValueAsKnownOnADateWhenQueriedAsOf() throws Exception {
        String q = "SELECT value FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '%s' "
                + "WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'";
        assertEquals(List.of(List.of("132.0")), rows(client.query(String.format(q, "2025-07-01 00:00:00"))));
        assertEquals(List.of(List.of("209.0")), rows(client.query(String.format(q, "2026-02-01 00:00:00"))));
    }

    @Test
    void shouldStreamARevisionProducedAfterThePushQueryStarted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<JsonNode> lines = new ArrayList<>();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            try {
                client.stream("SELECT period, value, source FROM latest WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ' "
                        + "EMIT CHANGES LIMIT 1", line -> {
                            synchronized (lines) {
                                lines.add(line);
                            }
                            if (line.has("columns")) {
                                started.countDown();
                            }
                            return true;
                        });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(started.await(60, TimeUnit.SECONDS), "the push query did not start");
        try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
            producer.sendLine(topics.rawObservations().name(), Fixtures.json("push-1", "unicorn_count", "CN-BJ", "2025", "1", "2026-02-10"));
            producer.sendLine(topics.rawObservations().name(), Fixtures.json("push-2", "registered_llm_count", "CN-BJ", "asof:2025-12-31",
                    "210", "2026-02-10").replace("\"source\":\"test\"", "\"source\":\"revision-after-start\""));
            producer.flush();
        }
        stream.get(90, TimeUnit.SECONDS);
        synchronized (lines) {
            assertEquals(3, lines.size(), lines.toString());
            assertEquals("[\"asof:2025-12-31\",210.0,\"revision-after-start\"]", lines.get(1).path("row").toString());
            assertTrue(lines.get(2).path("done").asBoolean(), lines.toString());
        }
        assertEquals(List.of(List.of("210.0")), rows(client.query("SELECT value FROM current "
                + "WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'")));
        // The earlier figure stays what was known before the revision.
        assertEquals(List.of(List.of("209.0")), rows(client.query("SELECT value FROM current FOR SYSTEM_TIME AS OF TIMESTAMP "
                + "'2026-02-01 00:00:00' WHERE indicator = 'registered_llm_count' AND region = 'CN-BJ'")));
    }

    /**
     * Proof with a ksqlDB client nobody here wrote: Node's ksqldb-client 1.0.5 (HTTP/2 cleartext, installed
     * from src/test/node/ksqldb's lock file) runs a pull query, lists tables, describes one, gets an error,
     * and receives a row produced after its push query started, then closes the push query.
     */
    @Test
    void shouldServeAnIndependentKsqlDbClientOverHttp2() throws Exception {
        Assumptions.assumeTrue(dev.almanac.testing.NodeProject.available(),
                "node/npm not found on PATH: skipping the ksqldb-client test (install Node 20+ to run it)");
        Path work = dev.almanac.testing.NodeProject.install("ksqldb", List.of("package.json", "package-lock.json", "ksqldb.js"));
        Path started = work.resolve("started");
        Path result = work.resolve("result.json");
        Files.deleteIfExists(started);
        Files.deleteIfExists(result);
        Process node = dev.almanac.testing.NodeProject.node(work, java.util.Map.of(
                "PORT", Integer.toString(config.queryApi().httpPort()),
                "PULL_SQL", "SELECT value, value_text FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ' AND period = '2025';",
                "PUSH_SQL", "SELECT region, period, value FROM LATEST WHERE indicator = 'unicorn_count' AND region = 'CN-SZ' EMIT CHANGES;",
                "STARTED", started.toString(),
                "RESULT", result.toString()), "ksqldb.js");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(started) && node.isAlive() && System.nanoTime() < deadline) {
                node.waitFor(100, TimeUnit.MILLISECONDS);
            }
            assertTrue(Files.exists(started), "the push query did not start:\n" + dev.almanac.testing.NodeProject.tail(work.resolve("ksqldb.js.log").toFile()));
            try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
                producer.sendLine(topics.rawObservations().name(), Fixtures.json("ksqldb-push-1", "unicorn_count", "CN-SZ", "2026", "7", "2026-03-01"));
                producer.flush();
            }
            dev.almanac.testing.NodeProject.finish(node, work.resolve("ksqldb.js.log"), 120);
        } finally {
            node.destroyForcibly();
        }
        JsonNode out = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.toFile());
        assertEquals(200, out.at("/pull/status").asInt(), out.toString());
        assertEquals("[\"VALUE\",\"VALUE_TEXT\"]", out.at("/pull/metadata/columnNames").toString());
        assertEquals(1, out.at("/pull/rows").size(), out.toString());
        assertEquals(5.2073e12, out.at("/pull/rows/0/VALUE").asDouble(), out.toString());
        assertEquals("5.2073万亿", out.at("/pull/rows/0/VALUE_TEXT").asText());
        List<String> tables = new ArrayList<>();
        out.path("tables").forEach(t -> tables.add(t.path("name").asText()));
        assertTrue(tables.containsAll(List.of("LATEST", "CURRENT", "REVISIONS")), tables.toString());
        assertEquals(0, out.path("streams").size());
        assertEquals("CURRENT", out.at("/description/name").asText());
        assertEquals(400, out.at("/unknownTable/status").asInt());
        assertTrue(out.at("/unknownTable/error/message").asText().contains("unknown table nowhere"), out.toString());
        assertEquals(200, out.at("/push/status").asInt(), out.toString());
        assertEquals("[\"REGION\",\"PERIOD\",\"VALUE\"]", out.at("/pushMetadata/columnNames").toString());
        assertEquals(1, out.at("/push/rows").size(), out.toString());
        assertEquals("CN-SZ", out.at("/push/rows/0/REGION").asText());
        assertEquals("2026", out.at("/push/rows/0/PERIOD").asText());
        assertEquals(7.0, out.at("/push/rows/0/VALUE").asDouble(), out.toString());
        assertEquals(200, out.at("/close/status").asInt(), out.toString());
        // Closed means gone: the server no longer lists it.
        HttpResponse<String> queries = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node().url() + "/ksql"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"ksql\": \"SHOW QUERIES;\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("[]", new com.fasterxml.jackson.databind.ObjectMapper().readTree(queries.body()).get(0).path("queries").toString(), queries.body());
    }

    private static QueryNode node() {
        return node;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * HTTP/1.1 (curl, a browser's fetch, scripts): ksqlDB's delimited push stream hands over the header and
     * then each row as it changes, one line each, before the stream ends.
     */
    @Test
    void shouldDeliverEachDelimitedRowToAnHttp11ClientAsItChanges() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + "/query-stream"))
                .header("Accept", "application/vnd.ksqlapi.delimited.v1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT region, period, value FROM latest "
                        + "WHERE indicator = 'unicorn_count' AND region = 'CN-SH' EMIT CHANGES;\", \"properties\": {}}"))
                .build();
        HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, r.version());
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the stream ended
            }
        }, "http11-reader");
        reader.setDaemon(true);
        reader.start();
        String header = lines.poll(60, TimeUnit.SECONDS);
        assertNotNull(header, "no header line");
        JsonNode h = JSON.readTree(header);
        assertEquals("[\"REGION\",\"PERIOD\",\"VALUE\"]", h.path("columnNames").toString(), header);
        try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
            producer.sendLine(topics.rawObservations().name(), Fixtures.json("http11-1", "unicorn_count", "CN-SH", "2027", "4", "2026-03-02"));
            producer.flush();
        }
        // The row arrives while the stream is still open: read line by line, not at the end of the response.
        assertEquals("[\"CN-SH\",\"2027\",4.0]", lines.poll(60, TimeUnit.SECONDS));
        assertTrue(reader.isAlive(), "the stream is still open");
        HttpResponse<String> closed = http.send(HttpRequest.newBuilder(URI.create(node.url() + "/close-query"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"queryId\": \"" + h.path("queryId").asText() + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, closed.statusCode(), closed.body());
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(reader.isAlive(), "closing the query ends its stream");
    }

    /** The ids of the push queries the server runs, from ksqlDB's SHOW QUERIES. */
    private static List<String> runningPushQueries() throws Exception {
        JsonNode answer = client.ksql("SHOW QUERIES;");
        List<String> ids = new ArrayList<>();
        answer.get(0).path("queries").forEach(q -> ids.add(q.path("id").asText()));
        return ids;
    }

    /** Opens a push query over a plain HTTP/1.1 socket and reads up to its header; returns the query id. */
    private static String openHttp11PushQuery(java.net.Socket socket, String accept, String sql) throws Exception {
        byte[] body = JSON.writeValueAsBytes(java.util.Map.of("sql", sql, "properties", java.util.Map.of()));
        String head = "POST /query-stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        socket.setSoTimeout(60_000);
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.contains("queryId")) {
                return JSON.readTree(line).path("queryId").asText();
            }
            if (line.contains("\"columns\"")) {
                // Almanac's own stream has no query id in its header: the newest one listed is this one.
                List<String> ids = runningPushQueries();
                return ids.stream().max(java.util.Comparator.comparingLong(id -> Long.parseLong(id.substring(id.lastIndexOf('_') + 1)))).orElseThrow();
            }
        }
        throw new IOException("the stream ended before its header");
    }

    /**
     * Clients that vanish without POST /close-query (a killed curl, a closed laptop, a dropped HTTP/2
     * connection) give their push query back: it is no longer listed, and its slot counts no more against
     * the limit. Delimited ksqlDB streams send nothing between rows, so this must not depend on a row.
     */
    @Test
    void shouldReleaseThePushQueriesOfClientsThatVanish() throws Exception {
        String sql = "SELECT region, value FROM latest WHERE indicator = 'never_produced_count' EMIT CHANGES";
        List<String> ids = new ArrayList<>();
        List<java.net.Socket> sockets = new ArrayList<>();
        int port = config.queryApi().httpPort();
        for (String accept : List.of("application/vnd.ksqlapi.delimited.v1", "application/x-ndjson")) {
            java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
            sockets.add(socket);
            ids.add(openHttp11PushQuery(socket, accept, sql));
        }
        org.eclipse.jetty.http2.client.HTTP2Client h2 = new org.eclipse.jetty.http2.client.HTTP2Client();
        h2.start();
        try {
            org.eclipse.jetty.util.FuturePromise<org.eclipse.jetty.http2.api.Session> session = new org.eclipse.jetty.util.FuturePromise<>();
            h2.connect(new java.net.InetSocketAddress("127.0.0.1", port), new org.eclipse.jetty.http2.api.server.ServerSessionListener.Adapter(), session);
            org.eclipse.jetty.http.HttpFields fields = org.eclipse.jetty.http.HttpFields.build()
                    .put("Content-Type", "application/json").put("Accept", "application/vnd.ksqlapi.delimited.v1");
            org.eclipse.jetty.http.MetaData.Request request = new org.eclipse.jetty.http.MetaData.Request("POST",
                    org.eclipse.jetty.http.HttpURI.from("http://127.0.0.1:" + port + "/query-stream"), org.eclipse.jetty.http.HttpVersion.HTTP_2, fields);
            CompletableFuture<String> h2Header = new CompletableFuture<>();
            StringBuilder received = new StringBuilder();
            org.eclipse.jetty.util.FuturePromise<org.eclipse.jetty.http2.api.Stream> stream = new org.eclipse.jetty.util.FuturePromise<>();
            session.get(30, TimeUnit.SECONDS).newStream(new org.eclipse.jetty.http2.frames.HeadersFrame(request, null, false), stream,
                    new org.eclipse.jetty.http2.api.Stream.Listener.Adapter() {
                        @Override
                        public void onData(org.eclipse.jetty.http2.api.Stream s, org.eclipse.jetty.http2.frames.DataFrame frame,
                                           org.eclipse.jetty.util.Callback callback) {
                            received.append(StandardCharsets.UTF_8.decode(frame.getData()));
                            int nl = received.indexOf("\n");
                            if (nl >= 0) {
                                h2Header.complete(received.substring(0, nl));
                            }
                            callback.succeeded();
                        }
                    });
            org.eclipse.jetty.http2.api.Stream s = stream.get(30, TimeUnit.SECONDS);
            s.data(new org.eclipse.jetty.http2.frames.DataFrame(s.getId(), java.nio.ByteBuffer.wrap(
                    JSON.writeValueAsBytes(java.util.Map.of("sql", sql, "properties", java.util.Map.of()))), true), org.eclipse.jetty.util.Callback.NOOP);
            ids.add(JSON.readTree(h2Header.get(60, TimeUnit.SECONDS)).path("queryId").asText());
            assertTrue(runningPushQueries().containsAll(ids), ids + " running: " + runningPushQueries());
        } finally {
            // Gone without a word: the sockets close, the HTTP/2 client drops its connection.
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
            h2.stop();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> runningPushQueries().stream().noneMatch(ids::contains));
    }

    @Test
    void shouldAnswerErrorsAsJsonWithStatus() throws Exception {
        QueryException bad = assertThrows(QueryException.class, () -> client.query("SELECT region FRM latest"));
        assertEquals(400, bad.status());
        assertEquals(1, bad.line());
        QueryException unknown = assertThrows(QueryException.class, () -> client.query("SELECT * FROM nothing"));
        assertEquals(404, unknown.status());
        assertTrue(unknown.getMessage().contains("latest"), unknown.getMessage());
        QueryException write = assertThrows(QueryException.class, () -> client.query("DELETE FROM latest"));
        assertEquals(403, write.status());
        QueryException missing = assertThrows(QueryException.class, () -> client.query("SELECT * FROM revisions"));
        assertEquals(400, missing.status());
        assertTrue(missing.getMessage().contains("key predicate"), missing.getMessage());
    }

    @Test
    void shouldDescribeTablesAndReportHealth() throws Exception {
        JsonNode tables = client.tables().path("tables");
        List<String> names = new ArrayList<>();
        tables.forEach(t -> names.add(t.path("name").asText()));
        assertTrue(names.containsAll(List.of("latest", "current", "revisions", "rejected_summary")), names.toString());
        assertEquals("published", tables.get(0).path("columns").get(7).path("name").asText());
        JsonNode health = client.health();
        assertEquals(200, health.path("status").asInt());
        assertEquals("RUNNING", health.path("applications").path("foundation").asText(), health.toString());
        assertEquals("RUNNING", health.path("applications").path("derived").asText(), health.toString());
    }

    @Test
    void shouldRequireTheBearerTokenWhenOneIsSet() throws Exception {
        TableFixture f = new TableFixture();
        QueryServer secured = new QueryServer(node.engine(), f.local, new ChangeStream(cluster.bootstrapServers(), Duration.ofSeconds(5),
                Duration.ofSeconds(10)), () -> QueryNode.states(pipeline),
                new QueryServer.Options(Optional.of("s3cret"), 2, Duration.ofSeconds(5))).start("127.0.0.1", 0);
        try {
            String url = "http://127.0.0.1:" + secured.port();
            QueryException denied = assertThrows(QueryException.class,
                    () -> new QueryClient(url, Optional.empty()).query("SELECT COUNT(*) FROM latest"));
            assertEquals(401, denied.status());
            assertThrows(QueryException.class, () -> new QueryClient(url, Optional.of("wrong")).query("SELECT 1"));
            JsonNode ok = new QueryClient(url, Optional.of("s3cret")).query("SELECT COUNT(*) AS n FROM latest");
            assertNotNull(ok.path("rows").get(0));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "health needs no token");
        } finally {
            secured.close();
        }
    }

    /** The local reader of the running pipeline, for a second server over the same stores. */
    private static final class TableFixture {
        final LocalPartitionReader local = new LocalPartitionReader(
                new StreamsLocalStores(pipeline.streams(), config.applicationId(), config.queryApi().applicationServer()),
                QueryTables.standard(topics));
    }

    @Test
    void shouldRunOneStatementFromTheCommandLineAndFailWithNonZeroExit() {
        java.io.PrintStream old = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, dev.almanac.cli.Main.execute("sql", "--server", node.url(), "-e",
                    "SELECT period, value_text FROM latest WHERE indicator = 'gdp' AND region = 'CN-BJ';"));
            assertEquals(1, dev.almanac.cli.Main.execute("sql", "--server", node.url(), "-e", "SELECT nope FROM latest"));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        out.reset();
        try {
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            // ksqlDB's statements, as a ksqlDB user types them, go to /ksql.
            assertEquals(0, dev.almanac.cli.Main.execute("sql", "--server", node.url(), "-e", "SHOW TABLES;"));
            assertEquals(0, dev.almanac.cli.Main.execute("sql", "--server", node.url(), "-e", "list tables"));
            assertEquals(0, dev.almanac.cli.Main.execute("sql", "--server", node.url(), "-e", "DESCRIBE CURRENT;"));
            assertEquals(1, dev.almanac.cli.Main.execute("sql", "--server", node.url(), "-e", "DESCRIBE nowhere;"));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        String ksql = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, ksql.split("revisions ", -1).length - 1, ksql);
        assertTrue(ksql.matches("(?s).*frequency\\s+STRING\\s+key.*\\(14 rows\\).*"), ksql);
        assertTrue(ksql.contains("error (400)") && ksql.contains("NOWHERE"), ksql);
        assertTrue(text.matches("(?s).*2025\\s+5.2073万亿.*\\(1 row, .*"), text);
        assertTrue(text.contains("error (400)") && text.contains("nope"), text);
    }

    @Test
    void shouldCountRejectedRecordsByReason() throws Exception {
        try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
            producer.sendLine(topics.rawObservations().name(), "{not json");
            producer.flush();
        }
        try (CaughtUpCheck settle = new CaughtUpCheck(cluster.bootstrapServers())) {
            settle.await(config.applicationId(), CaughtUpCheck.sourceTopics(pipeline.topology()), Duration.ofSeconds(60));
        }
        JsonNode r = client.query("SELECT reason, count FROM rejected_summary");
        assertFalse(r.path("rows").isEmpty(), r.toString());
    }
}
