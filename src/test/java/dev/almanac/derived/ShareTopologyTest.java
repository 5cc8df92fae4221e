package dev.almanac.derived;

import static dev.almanac.derived.DerivedDriver.obs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.derived.definition.DerivedDefinitions;
import dev.almanac.derived.definition.TableDefinition;
import dev.almanac.derived.share.ShareTopology;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShareTopologyTest {

    private DerivedDriver d;
    private TestOutputTopic<ObservationKey, ShareOfParent> shares;
    private TableDefinition.Shares def;
    private final Map<ObservationKey, ShareOfParent> subscriber = new java.util.HashMap<>();

    @BeforeEach
    void setUp() {
        d = new DerivedDriver();
        def = d.definitions.tables(TableDefinition.Shares.class).get(0);
        shares = d.output(ShareTopology.topic(d.topics, def));
        d.region("CN", "WORLD", "country");
        d.region("CN-SH", "CN", "city");
        d.region("CN-SH-PD", "CN-SH", "district");
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private static ObservationKey pudong2025() {
        return new ObservationKey("gdp", "CN-SH-PD", "2025");
    }

    @Test
    void shouldComputePudongShareOfShanghaiWhenBothValuesArePresent() {
        d.latest(obs("a003-005", "gdp", "CN-SH-PD", "2025", 1.88e12, "CNY", Qualifier.estimate, "2026-01-26"));
        d.latest(obs("a003-001", "gdp", "CN-SH", "2025", 5.67e12, "CNY", Qualifier.exact, "2026-01-26"));

        ShareOfParent s = DerivedDriver.table(shares).get(pudong2025());
        assertEquals(100 * 1.88 / 5.67, s.getValue(), 1e-9);
        assertEquals("gdp_share_of_parent", s.getIndicator());
        assertEquals("CN-SH", s.getParent());
        assertEquals(Qualifier.estimate, s.getQualifier(), "a share of an estimate is an estimate");
        assertEquals(List.of("a003-005", "a003-001"), s.getInputIds());
        KeyValueStore<ObservationKey, ShareOfParent> store = d.driver.getKeyValueStore(ShareTopology.store(def));
        assertEquals(s, store.get(pudong2025()));
    }

    @Test
    void shouldUpdateShareWhenTheParentIsRevised() {
        d.latest(obs("pd", "gdp", "CN-SH-PD", "2025", 1.88e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("sh1", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-01-20"));
        d.latest(obs("sh2", "gdp", "CN-SH", "2025", 5.67e12, "CNY", Qualifier.exact, "2026-01-26"));

        ShareOfParent s = DerivedDriver.table(shares).get(pudong2025());
        assertEquals(100 * 1.88 / 5.67, s.getValue(), 1e-9);
        assertEquals(List.of("pd", "sh2"), s.getInputIds());
    }

    @Test
    void shouldUpdateShareWhenTheRegionIsRevised() {
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 5.67e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("pd1", "gdp", "CN-SH-PD", "2025", 1.8e12, "CNY", Qualifier.approx, "2026-01-10"));
        d.latest(obs("pd2", "gdp", "CN-SH-PD", "2025", 1.88e12, "CNY", Qualifier.exact, "2026-01-26"));

        ShareOfParent s = DerivedDriver.table(shares).get(pudong2025());
        assertEquals(100 * 1.88 / 5.67, s.getValue(), 1e-9);
        assertEquals(Qualifier.exact, s.getQualifier());
    }

    @Test
    void shouldComputeShareWhenTheRegionBecomesKnownAfterItsObservations() {
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 5.67e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("mh", "gdp", "CN-SH-MH", "2025", 0.3e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertFalse(DerivedDriver.table(shares).containsKey(new ObservationKey("gdp", "CN-SH-MH", "2025")),
                "no share while Minhang is not in the hierarchy");

        d.region("CN-SH-MH", "CN-SH", "district");

        ShareOfParent s = DerivedDriver.table(shares).get(new ObservationKey("gdp", "CN-SH-MH", "2025"));
        assertEquals(100 * 0.3 / 5.67, s.getValue(), 1e-9);
    }

    @Test
    void shouldMoveShareToTheNewParentWhenTheHierarchyChanges() {
        d.region("CN-XX", "CN", "group");
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("xx", "gdp", "CN-XX", "2025", 4.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("pd", "gdp", "CN-SH-PD", "2025", 1.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertEquals(20.0, DerivedDriver.table(shares).get(pudong2025()).getValue(), 1e-9);

        d.region("CN-SH-PD", "CN-XX", "district");

        Map<ObservationKey, ShareOfParent> table = DerivedDriver.table(shares);
        assertEquals(25.0, table.get(pudong2025()).getValue(), 1e-9);
        assertEquals("CN-XX", table.get(pudong2025()).getParent());
    }

    @Test
    void shouldRemoveShareWhenTheRegionLosesItsParent() {
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("pd", "gdp", "CN-SH-PD", "2025", 1.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.region("CN-SH-PD", null, "district");
        assertNull(DerivedDriver.table(shares).get(pudong2025()));
    }

    @Test
    void shouldGiveNoShareWhenUnitsDifferOrTheIndicatorIsNotEnabled() {
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 800e9, "USD", Qualifier.exact, "2026-01-26"));
        d.latest(obs("pd", "gdp", "CN-SH-PD", "2025", 1.88e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("u1", "unicorn_count", "CN-SH", "asof:2025-12-31", 60, "count", Qualifier.exact, "2026-01-26"));
        d.latest(obs("u2", "unicorn_count", "CN-SH-PD", "asof:2025-12-31", 20, "count", Qualifier.exact, "2026-01-26"));
        assertTrue(DerivedDriver.table(shares).isEmpty());
    }

    @Test
    void shouldFlipTheBoundWhenTheParentIsALowerBound() {
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.more_than, "2026-01-26"));
        d.latest(obs("pd", "gdp", "CN-SH-PD", "2025", 1.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertEquals(Qualifier.less_than, DerivedDriver.table(shares).get(pudong2025()).getQualifier(),
                "a district's share of a total that is more than X is less than the computed figure");
    }

    @Test
    void shouldComputeSharesForEveryEnabledIndicatorWhenTheDefinitionListsSeveral() {
        DerivedDefinitions defs = DerivedDefinitions.parse("""
                version: 1
                tables:
                  unicorn-shares:
                    type: share_of_parent
                    indicators: [unicorn_count, gdp]
                """, "test.yaml");
        try (DerivedDriver d2 = new DerivedDriver(defs)) {
            d2.region("CN-SH-PD", "CN-SH", "district");
            d2.latest(obs("u1", "unicorn_count", "CN-SH", "asof:2025-12-31", 60, "count", Qualifier.exact, "2026-01-26"));
            d2.latest(obs("u2", "unicorn_count", "CN-SH-PD", "asof:2025-12-31", 20, "count", Qualifier.exact, "2026-01-26"));
            var out = d2.output(ShareTopology.topic(d2.topics, defs.tables(TableDefinition.Shares.class).get(0)));
            assertEquals("almanac.unicorn-shares", ShareTopology.topic(d2.topics, defs.tables(TableDefinition.Shares.class).get(0)).name());
            ShareOfParent s = DerivedDriver.table(out).get(new ObservationKey("unicorn_count", "CN-SH-PD", "asof:2025-12-31"));
            assertEquals(100.0 / 3, s.getValue(), 1e-9);
        }
    }

    /** The shares table as a subscriber of its topic holds it now: every record read so far applied in order. */
    private Map<ObservationKey, ShareOfParent> sharesNow() {
        for (var r : shares.readRecordsToList()) {
            if (r.value() == null) {
                subscriber.remove(r.key());
            } else {
                subscriber.put(r.key(), r.value());
            }
        }
        return subscriber;
    }

    @Test
    void shouldGiveEveryDistrictItsShareWhenTheParentArrivesLastAndIsRevised() {
        d.region("CN-SH-MH", "CN-SH", "district");
        ObservationKey minhang = new ObservationKey("gdp", "CN-SH-MH", "2025");
        d.latest(obs("pd", "gdp", "CN-SH-PD", "2025", 1.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("mh", "gdp", "CN-SH-MH", "2025", 0.5e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertTrue(sharesNow().isEmpty(), "no share before the parent has a value");

        d.latest(obs("sh1", "gdp", "CN-SH", "2025", 4.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertEquals(25.0, sharesNow().get(pudong2025()).getValue(), 1e-9);
        assertEquals(12.5, sharesNow().get(minhang).getValue(), 1e-9);

        d.latest(obs("sh2", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-02-26"));
        Map<ObservationKey, ShareOfParent> table = sharesNow();
        assertEquals(20.0, table.get(pudong2025()).getValue(), 1e-9);
        assertEquals(10.0, table.get(minhang).getValue(), 1e-9);
        assertEquals(List.of("mh", "sh2"), table.get(minhang).getInputIds());
    }

    @Test
    void shouldFollowTheRegionBackWhenItMovesToAnotherParentAndReturns() {
        d.region("CN-XX", "CN", "group");
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("pd", "gdp", "CN-SH-PD", "2025", 1.0e12, "CNY", Qualifier.exact, "2026-01-26"));

        d.region("CN-SH-PD", "CN-XX", "district");
        assertNull(sharesNow().get(pudong2025()), "the new parent has no value for 2025");
        d.region("CN-SH-PD", "CN-SH", "district");
        assertEquals(20.0, sharesNow().get(pudong2025()).getValue(), 1e-9);

        d.latest(obs("xx", "gdp", "CN-XX", "2025", 2.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertEquals("CN-SH", sharesNow().get(pudong2025()).getParent(),
                "a value of the former parent gives the region no share against it");
    }

    @Test
    void shouldRemoveShareWhenTheRegionValueIsRevisedIntoAnotherUnitKind() {
        d.latest(obs("sh", "gdp", "CN-SH", "2025", 5.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        d.latest(obs("pd1", "gdp", "CN-SH-PD", "2025", 1.0e12, "CNY", Qualifier.exact, "2026-01-26"));
        assertEquals(20.0, sharesNow().get(pudong2025()).getValue(), 1e-9);

        d.latest(obs("pd2", "gdp", "CN-SH-PD", "2025", 3.1, "percent", Qualifier.exact, "2026-02-26"));
        assertNull(sharesNow().get(pudong2025()), "a percentage does not add up into its parent's value");
    }
}
