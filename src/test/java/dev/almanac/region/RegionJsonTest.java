package dev.almanac.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.almanac.avro.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionJsonTest {

    @Test
    void shouldReadTheBundledHierarchyWhenEveryLineIsValid() throws IOException {
        List<Region> regions = RegionJson.parseAll(Files.readAllLines(Path.of("data/regions.jsonl")));
        assertEquals(33, regions.size());
        Region world = regions.get(0);
        assertEquals("WORLD", world.getCode());
        assertNull(world.getParent());
        Region hd = regions.stream().filter(r -> r.getCode().equals("CN-BJ-HD")).findFirst().orElseThrow();
        assertEquals("CN-BJ", hd.getParent());
        assertEquals("海淀区", hd.getNameZh());
    }

    @Test
    void shouldNameTheLineWhenARegionIsInvalid() {
        var e = assertThrows(RegionJson.InvalidRegion.class, () -> RegionJson.parseAll(List.of(
                "{\"code\": \"CN\", \"parent\": null, \"name_en\": \"China\", \"name_zh\": \"中国\", \"kind\": \"country\"}",
                "{\"code\": \"cn-bj\", \"parent\": \"CN\", \"name_en\": \"Beijing\", \"name_zh\": \"北京\", \"kind\": \"city\"}")));
        assertEquals("line 2: code 'cn-bj' does not match ^[A-Z]{2}(-[A-Z0-9]{1,12})*$ and is not WORLD", e.getMessage());
    }

    @Test
    void shouldRejectACycleWhenParentsLoop() {
        var e = assertThrows(RegionJson.InvalidRegion.class, () -> RegionJson.parseAll(List.of(
                "{\"code\": \"CN-A\", \"parent\": \"CN-B\", \"name_en\": \"A\", \"name_zh\": \"甲\", \"kind\": \"city\"}",
                "{\"code\": \"CN-B\", \"parent\": \"CN-A\", \"name_en\": \"B\", \"name_zh\": \"乙\", \"kind\": \"city\"}")));
        assertEquals("the parents form a cycle: CN-A → CN-B → CN-A", e.getMessage());
    }

    @Test
    void shouldStopWalkingWhenTheHierarchyHasACycle() {
        assertEquals(List.of("A", "B"), RegionHierarchy.selfAndAncestors("A", r -> r.equals("A") ? "B" : "A"));
    }
}
