package dev.almanac.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.almanac.avro.ModelRegistration;
import dev.almanac.avro.Region;
import dev.almanac.derived.registration.RegistrationGenerator;
import dev.almanac.derived.registration.RegistrationJson;
import dev.almanac.ingest.RawProducer;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.observation.ObservationJson;
import dev.almanac.query.http.QueryClient;
import dev.almanac.region.RegionJson;
import dev.almanac.runtime.AlmanacConfig;
import dev.almanac.runtime.Pipeline;
import dev.almanac.runtime.QueryApiConfig;
import dev.almanac.runtime.QueryNode;
import dev.almanac.runtime.StoreReadiness;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import dev.almanac.testing.Fixtures;
import dev.almanac.testing.KafkaCluster;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium against one real pipeline (embedded Kafka, bundled observations,
 * regions and the demo's synthetic registrations), with an API token so every view goes through the
 * login. Each view is checked for what it draws and saved as a screenshot under
 * {@code target/dashboard-screenshots/}. The live test runs last: it adds a figure.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "dashboard-it-token";
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

    private static KafkaCluster cluster;
    private static Path state;
    private static Path profile;
    private static TopicCatalogue topics;
    private static Pipeline pipeline;
    private static QueryNode node;
    private static QueryClient client;
    private static ChromeDriver browser;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "DashboardIT skipped: no headless Chromium here (" + CHROMIUM + " and " + CHROMEDRIVER
                        + " are needed: apt-get install chromium chromium-driver; .ci/run installs them)");
        cluster = KafkaCluster.start(1);
        state = Files.createTempDirectory("dashboard-it");
        AlmanacConfig config = AlmanacConfig.defaults(cluster.bootstrapServers(), state).withApplicationId("dashboard-it").withTopicPrefix("dash")
                .withQueryApi(new QueryApiConfig(Fixtures.freePort(), "127.0.0.1", Optional.of(TOKEN), 10_000, Duration.ofSeconds(60)));
        topics = Fixtures.catalogue(config.topicPrefix());
        pipeline = new Pipeline(config, topics);
        node = QueryNode.start(pipeline, app -> Dashboard.of(pipeline).routes(app));
        pipeline.start(Duration.ofSeconds(90));
        load(config);
        pipeline.awaitSettled(Duration.ofSeconds(120));
        StoreReadiness.await(pipeline, Duration.ofSeconds(60));
        client = new QueryClient(node.url(), Optional.of(TOKEN));
        base = node.url();
        browser = startBrowser();
        Files.createDirectories(SCREENSHOTS);
    }

    /** Regions, the bundled observations and the demo's synthetic registrations, as {@code demo} sends them. */
    private static void load(AlmanacConfig config) throws Exception {
        Fixtures.sendBundledRegions(config.bootstrapServers(), topics);
        try (RawProducer producer = new RawProducer(config.bootstrapServers())) {
            Fixtures.bundledObservations().forEach(l -> producer.sendLine(topics.rawObservations().name(), l));
            for (ModelRegistration r : Fixtures.demoRegistrations()) {
                producer.send(topics.rawRegistrations().name(), null, RegistrationJson.toJson(r).getBytes(StandardCharsets.UTF_8),
                        r.getPublished().toEpochMilli());
            }
            producer.flush();
        }
    }

    private static ChromeDriver startBrowser() throws IOException {
        profile = Files.createTempDirectory("dashboard-it-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,1300", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        Fixtures.closeAll(browser == null ? null : browser::quit, node, pipeline, cluster);
        if (state != null) {
            dev.almanac.broker.EmbeddedBroker.deleteTree(state);
        }
        if (profile != null) {
            dev.almanac.broker.EmbeddedBroker.deleteTree(profile);
        }
    }

    // ---------- helpers ----------

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** Opens a view through the page's own navigation (no reload) and waits until it and its charts are drawn. */
    private static WebElement open(String hash) {
        js("location.hash = arguments[0]", hash);
        String view = hash.replaceFirst("^#", "").replaceFirst("\\?.*", "");
        return ready(view);
    }

    private static WebElement ready(String view) {
        String id = "view-" + view;
        waiting().until(d -> Boolean.TRUE.equals(js(
                "const v = document.getElementById(arguments[0]); if (!v || v.dataset.ready !== 'true') return false;"
                        + " return [...v.querySelectorAll('.chart')].every(c => c.dataset.drawn === 'true');", id)));
        Object failed = js("const e = document.querySelector('#' + arguments[0] + ' .view-error'); return e ? e.textContent : null;", id);
        assertEquals(null, failed, "the view failed to load");
        return browser.findElement(By.id(id));
    }

    /** Waits for a redraw of the view after {@code action} (the old one carries its load time). */
    private static WebElement redrawn(String view, Runnable action) {
        String before = (String) js("const v = document.getElementById(arguments[0]); return v ? v.dataset.loaded : null;", "view-" + view);
        action.run();
        waiting().until(d -> {
            Object now = js("const v = document.getElementById(arguments[0]); return v && v.dataset.ready === 'true' ? v.dataset.loaded : null;",
                    "view-" + view);
            return now != null && !now.equals(before);
        });
        return ready(view);
    }

    private static long chartPoints(String chartId, int series) {
        return ((Number) js("return echarts.getInstanceByDom(document.getElementById(arguments[0])).getOption().series[arguments[1]].data.length;",
                chartId, series)).longValue();
    }

    private static boolean hasCanvas(String chartId) {
        return !browser.findElements(By.cssSelector("#" + chartId + " canvas")).isEmpty();
    }

    /** The element's text, read again when a redraw replaced the element between finding and reading it. */
    private static String text(String css) {
        return waiting().ignoring(StaleElementReferenceException.class).until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    /** Waits until the element reads {@code expected} (a redraw may still be on its way), then checks it. */
    private static void assertText(String expected, String css) {
        try {
            waiting().ignoring(StaleElementReferenceException.class).until(d -> expected.equals(d.findElement(By.cssSelector(css)).getText()));
        } catch (org.openqa.selenium.TimeoutException e) {
            assertEquals(expected, text(css));
        }
    }

    /** Each test starts from the newest figures, whatever the previous one left in the date field. */
    @BeforeEach
    void backToNow() {
        if (browser != null && Boolean.TRUE.equals(js("return !!(window.almanac && window.almanac.asOf)"))) {
            String view = (String) js("return window.almanac.view");
            redrawn(view, () -> browser.findElement(By.id("asof-now")).click());
        }
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static long count(String sql) throws Exception {
        return client.query(sql).path("rows").get(0).get(0).asLong();
    }

    private static void setAsOf(String date) {
        js("const i = document.getElementById('asof'); i.value = arguments[0]; i.dispatchEvent(new Event('change'));", date);
    }

    // ---------- tests ----------

    @Test
    @Order(1)
    void shouldAskForTheTokenThenShowTheOverview() throws Exception {
        browser.manage().window().setSize(new Dimension(1280, 1300));
        browser.get(base + "/");
        waiting().until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("token")).sendKeys("wrong");
        browser.findElement(By.id("login-button")).click();
        waiting().until(d -> text("#login-error").contains("not accepted"));
        browser.findElement(By.id("token")).clear();
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("login-button")).click();
        ready("overview");
        assertEquals(TOKEN, js("return sessionStorage.getItem('almanac.token')"));
        assertEquals(String.valueOf(count("SELECT COUNT(*) FROM current")), text("#kpi-series"));
        assertEquals(String.valueOf(count("SELECT COUNT(*) FROM latest")), text("#kpi-figures"));
        assertTrue(text("#status").contains("RUNNING"), text("#status"));
        assertEquals(12, browser.findElements(By.cssSelector("#newest tbody tr")).size(), "newest publications");
        assertTrue(java.util.regex.Pattern.compile("[0-9.]+(万亿|亿) CNY [0-9]+\\.[0-9]{2} (trillion|billion) CNY").matcher(text("#newest")).find(),
                "amounts in 亿/万亿 next to billion/trillion: " + text("#newest"));
        screenshot("01-overview");
        browser.manage().window().setSize(new Dimension(390, 844));
        ready("overview");
        screenshot("01b-overview-phone");
        browser.manage().window().setSize(new Dimension(1280, 1300));
    }

    @Test
    @Order(2)
    void shouldDrawSharesWithPudongAtThirtyThreePointTwoPercent() throws Exception {
        open("#shares");
        assertTrue(hasCanvas("shares-chart"));
        long shares = count("SELECT COUNT(*) FROM shares WHERE period = '2025'");
        assertEquals(shares, chartPoints("shares-chart", 0));
        WebElement pudong = browser.findElements(By.cssSelector("#shares-table tbody tr")).stream()
                .filter(r -> r.getText().contains("CN-SH-PD")).findFirst().orElseThrow();
        assertEquals("33.2 %", pudong.findElement(By.cssSelector(".share")).getText());
        assertTrue(pudong.getText().contains("estimate"), pudong.getText());
        List<WebElement> inputs = pudong.findElements(By.cssSelector("a.input"));
        assertEquals(2, inputs.size(), "both inputs of the share are linked");
        screenshot("02-shares");
        inputs.get(0).click();
        WebElement browse = ready("browse");
        assertEquals(1, browse.findElements(By.cssSelector("#browse-table tbody tr")).size());
        assertTrue(text("#browse-table").contains("CN-SH"), text("#browse-table"));
    }

    @Test
    @Order(3)
    void shouldChartRegistrationsWithTheReportedTotalsAndTheirReconciliation() throws Exception {
        open("#registrations");
        assertTrue(hasCanvas("reg-chart"));
        JsonNode monthly = client.query("SELECT COUNT(*) FROM registrations_reconciliation WHERE region = 'CN-BJ'");
        assertEquals(3, monthly.path("rows").get(0).get(0).asLong());
        assertTrue(chartPoints("reg-chart", 0) >= 6, "monthly bars: " + chartPoints("reg-chart", 0));
        // Every registration of Beijing and its districts counts in some month: the months add up to the cumulative count.
        assertEquals(count("SELECT count FROM registrations_cumulative WHERE region = 'CN-BJ'"),
                count("SELECT SUM(count) FROM registrations_monthly WHERE region = 'CN-BJ' OR region LIKE 'CN-BJ-%'"));
        assertEquals(3, chartPoints("reg-chart", 2), "reported totals 132, 183, 209");
        assertText("209", "#reg-reported");
        List<WebElement> rows = browser.findElements(By.cssSelector("#reconciliation tbody tr"));
        assertEquals(3, rows.size());
        rows.forEach(r -> assertTrue(r.getText().contains("yes"), r.getText()));
        screenshot("03-registrations");
    }

    @Test
    @Order(4)
    void shouldShowBeijingsRegisteredModelsAsKnownOnADate() throws Exception {
        open("#registrations");
        assertText("209", "#reg-reported");
        redrawn("registrations", () -> setAsOf("2025-07-01"));
        assertText("132", "#reg-reported");
        assertEquals(1, chartPoints("reg-chart", 2), "only the total reported by then");
        assertTrue(text("#asof-banner").contains("2025-07-01"));
        screenshot("04-registrations-as-of-2025-07-01");
        open("#overview");
        assertEquals(String.valueOf(count("SELECT COUNT(*) FROM current FOR SYSTEM_TIME AS OF TIMESTAMP '2025-07-01 00:00:00'")),
                text("#kpi-series"));
        redrawn("overview", () -> browser.findElement(By.id("asof-now")).click());
        assertEquals(String.valueOf(count("SELECT COUNT(*) FROM current")), text("#kpi-series"));
    }

    @Test
    @Order(5)
    void shouldShowEachVintageOfBeijingGdpWithSourceAndQuote() throws Exception {
        open("#series?indicator=gdp&region=CN-BJ&period=2025");
        assertTrue(hasCanvas("series-chart") && hasCanvas("vintage-chart"));
        assertEquals(3, chartPoints("vintage-chart", 0), "three vintages");
        List<WebElement> vintages = browser.findElements(By.cssSelector("#vintages li"));
        assertEquals(3, vintages.size());
        assertTrue(vintages.get(0).getText().startsWith("5万亿 CNY 5.00 trillion CNY"), vintages.get(0).getText());
        assertTrue(vintages.get(1).getText().startsWith("52073.4亿 CNY 5.21 trillion CNY"), vintages.get(1).getText());
        assertTrue(vintages.get(2).getText().startsWith("5.2073万亿 CNY 5.21 trillion CNY"), vintages.get(2).getText());
        vintages.forEach(v -> {
            assertTrue(v.getText().contains("source "), v.getText());
            assertEquals(1, v.findElements(By.cssSelector("blockquote")).size(), "the quoted sentence: " + v.getText());
        });
        screenshot("05-series-revisions");
        redrawn("series", () -> setAsOf("2026-01-22"));
        assertEquals(2, chartPoints("vintage-chart", 0), "the third vintage came on 2026-01-26");
        redrawn("series", () -> browser.findElement(By.id("asof-now")).click());
    }

    @Test
    @Order(6)
    void shouldBrowseTheLatestTableWithFiltersAndPaging() throws Exception {
        open("#browse");
        long all = count("SELECT COUNT(*) FROM latest");
        assertEquals("rows 1–25 of " + all, text("#page-info"));
        assertEquals(25, browser.findElements(By.cssSelector("#browse-table tbody tr")).size());
        screenshot("06-browse");
        redrawn("browse", () -> browser.findElement(By.id("next")).click());
        assertEquals("rows 26–50 of " + all, text("#page-info"));
        redrawn("browse", () -> {
            browser.findElement(By.name("indicator")).sendKeys("gdp");
            browser.findElement(By.name("region")).sendKeys("CN-BJ");
            browser.findElement(By.cssSelector("#browse-form button[type=submit]")).click();
        });
        long gdp = count("SELECT COUNT(*) FROM latest WHERE indicator = 'gdp' AND region LIKE 'CN-BJ%'");
        assertEquals(gdp, browser.findElements(By.cssSelector("#browse-table tbody tr")).size());
        assertEquals("rows 1–" + gdp + " of " + gdp, text("#page-info"));
    }

    @Test
    @Order(7)
    void shouldShowTheErrorOfABadStatementAndTheRowsOfAGoodOne() throws Exception {
        open("#browse");
        typeSql("SELECT region FROM latest WHERE");
        browser.findElement(By.id("sql-run")).click();
        waiting().until(d -> !text("#sql-error").isEmpty());
        assertTrue(text("#sql-error").startsWith("Error 400: "), text("#sql-error"));
        assertTrue(text("#sql-error").matches(".*line 1, column \\d+.*"), text("#sql-error"));
        screenshot("07-sql-error");
        typeSql("SELECT region, value_text FROM latest WHERE indicator = 'gdp' ORDER BY region");
        browser.findElement(By.id("sql-run")).click();
        waiting().until(d -> !d.findElements(By.cssSelector("#sql-table tbody tr")).isEmpty());
        long gdp = count("SELECT COUNT(*) FROM latest WHERE indicator = 'gdp'");
        assertEquals(gdp, browser.findElements(By.cssSelector("#sql-table tbody tr")).size());
        assertTrue(text("#sql-error").isEmpty());
        String csv = (String) js("return document.getElementById('sql-csv').dataset.csv");
        assertTrue(csv.replace("\r\n", "\n").startsWith("region,value_text\nCN-BJ,"), csv);
        assertEquals(gdp + 1, csv.lines().count());
        screenshot("07b-sql-result");
    }

    /**
     * Types into the SQL box, again if the view re-rendered meanwhile (it renders once more when the
     * table list arrives, which replaces the element under a slow machine's feet, and a box caught
     * half-laid-out is refused as not interactable: CI saw that once on a loaded machine).
     */
    private void typeSql(String sql) {
        waiting().ignoring(StaleElementReferenceException.class).ignoring(ElementNotInteractableException.class).until(d -> {
            WebElement box = d.findElement(By.id("sql-text"));
            if (!box.isDisplayed() || !box.isEnabled()) return false;
            js("arguments[0].scrollIntoView({block: 'center'})", box);
            box.clear();
            box.sendKeys(sql);
            return sql.equals(d.findElement(By.id("sql-text")).getDomProperty("value"));
        });
    }

    @Test
    @Order(8)
    void shouldListConflictsLinkingBothObservations() throws Exception {
        open("#conflicts");
        List<WebElement> rows = browser.findElements(By.cssSelector("#conflicts-table tbody tr"));
        assertEquals(count("SELECT COUNT(*) FROM conflicts"), rows.size());
        assertTrue(rows.size() > 0);
        rows.forEach(r -> assertEquals(2, r.findElements(By.cssSelector("a.obs")).size(), r.getText()));
        screenshot("08-conflicts");
        String second = rows.get(0).findElements(By.cssSelector("a.obs")).get(1).getText();
        rows.get(0).findElements(By.cssSelector("a.obs")).get(1).click();
        ready("browse");
        assertEquals(1, browser.findElements(By.cssSelector("#browse-table tbody tr")).size());
        assertTrue(text("#browse-table").contains(second), text("#browse-table"));
    }

    @Test
    @Order(9)
    void shouldShowANewlyProducedObservationWithoutReloading() throws Exception {
        open("#registrations");
        assertText("209", "#reg-reported");
        waiting().until(d -> Boolean.TRUE.equals(js("return document.getElementById('live').classList.contains('on')")));
        Object loadId = js("return window.almanac.loadId");
        try (RawProducer producer = new RawProducer(cluster.bootstrapServers())) {
            producer.sendLine(topics.rawObservations().name(), "{\"id\": \"dash-live-1\", \"indicator\": \"registered_llm_count\", "
                    + "\"region\": \"CN-BJ\", \"period\": \"asof:2026-03-31\", \"value\": 230, \"unit\": \"count\", \"qualifier\": \"exact\", "
                    + "\"published\": \"2026-04-02\", \"source\": \"dashboard-it\", \"quote\": \"已備案大模型230款\"}");
            producer.flush();
        }
        assertText("230", "#reg-reported");
        ready("registrations");
        assertEquals(loadId, js("return window.almanac.loadId"), "the page was not reloaded");
        assertEquals(4, chartPoints("reg-chart", 2), "the new reported total is on the chart");
        assertTrue(((Number) js("return window.almanac.feed.length")).intValue() >= 1);
        screenshot("09-live-update");
        open("#overview");
        assertTrue(text("#feed").contains("asof:2026-03-31"), text("#feed"));
    }
}
