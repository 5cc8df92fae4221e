package dev.almanac.derived.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.almanac.avro.ObservationKey;
import dev.almanac.avro.Qualifier;
import dev.almanac.avro.ShareOfParent;
import dev.almanac.kafka.TopicCatalogue;
import dev.almanac.serde.AvroSerdes;
import dev.almanac.serde.LocalSchemaRegistry;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answers' side of a share table in one task: the races between partitions that a single-partition
 * {@code TopologyTestDriver} run cannot produce (an answer from a former parent arriving after the move).
 */
class ShareProcessorsTest {

    private final ObservationKey pudong = new ObservationKey("gdp", "CN-SH-PD", "2025");
    private MockProcessorContext<ObservationKey, ShareOfParent> context;
    private KeyValueStore<String, String> parents;
    private KeyValueStore<ObservationKey, ShareOfParent> shares;
    private ShareProcessors.OnResponse apply;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        parents = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("parents"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        TopicCatalogue topics = TopicCatalogue.create("almanac", new AvroSerdes(new LocalSchemaRegistry()));
        shares = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("shares"), topics.latest().keySerde(),
                topics.serdes().specific(ShareOfParent.class, false)).withLoggingDisabled().build();
        shares.init(context.getStateStoreContext(), shares);
        parents.init(context.getStateStoreContext(), parents);
        context.addStateStore(parents);
        context.addStateStore(shares);
        apply = new ShareProcessors.OnResponse("parents", "shares");
        apply.init(context);
    }

    private static ShareOfParent share(String parent, double value) {
        return ShareOfParent.newBuilder().setIndicator("gdp_share_of_parent").setBaseIndicator("gdp").setRegion("CN-SH-PD")
                .setParent(parent).setPeriod("2025").setValue(value).setUnit("percent").setQualifier(Qualifier.exact)
                .setRegionValue(1).setParentValue(1).setBaseUnit("CNY").setInputIds(List.of("a", "b"))
                .setPublished(Instant.parse("2026-01-26T00:00:00Z")).setDerived(true).build();
    }

    private void answer(String parent, ShareOfParent share) {
        apply.process(new Record<>(pudong, ShareProcessors.response("CN-SH-PD", parent, share), 0L));
    }

    @Test
    void shouldDropAnAnswerFromTheFormerParentThatArrivesAfterTheMove() {
        parents.put("CN-SH-PD", "CN-XX");
        answer("CN-XX", share("CN-XX", 25.0));
        answer("CN-SH", share("CN-SH", 20.0)); // computed before the move, delivered after it
        answer("CN-SH", null);                 // the old parent's goodbye

        assertEquals(25.0, shares.get(pudong).getValue(), 1e-9);
        assertEquals(List.of(25.0), context.forwarded().stream().map(f -> f.record().value().getValue()).toList());
    }

    @Test
    void shouldClearTheShareWhenTheRegionHasNoParentAnyMore() {
        parents.put("CN-SH-PD", "CN-SH");
        answer("CN-SH", share("CN-SH", 20.0));
        parents.delete("CN-SH-PD");
        answer("CN-SH", share("CN-SH", 21.0)); // still on its way when the region lost its parent
        answer("", null);

        assertNull(shares.get(pudong));
        assertEquals(2, context.forwarded().size());
        assertNull(context.forwarded().get(1).record().value(), "a tombstone for the cleared share");
    }

    @Test
    void shouldForwardNothingWhenTheAnswerRepeatsTheShareItHolds() {
        parents.put("CN-SH-PD", "CN-SH");
        answer("CN-SH", share("CN-SH", 20.0));
        answer("CN-SH", share("CN-SH", 20.0));
        answer("CN-SH", null);
        answer("CN-SH", null);

        assertEquals(2, context.forwarded().size());
        assertNull(shares.get(pudong));
    }
}
