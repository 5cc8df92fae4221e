package dev.almanac.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerTest {

    @Test
    void shouldSplitTheBrokersExtraJvmOptionsAtWhiteSpace() {
        assertEquals(List.of("-Xmx2g", "-agentpath:/tmp/ap/libasyncProfiler.so=start,event=cpu,file=/tmp/b.txt"),
                EmbeddedBroker.jvmOptions("  -Xmx2g \t-agentpath:/tmp/ap/libasyncProfiler.so=start,event=cpu,file=/tmp/b.txt \n"));
    }

    @Test
    void shouldAddNoJvmOptionsWhenTheVariableIsUnsetOrBlank() {
        assertEquals(List.of(), EmbeddedBroker.jvmOptions(null));
        assertEquals(List.of(), EmbeddedBroker.jvmOptions("   "));
    }
}
