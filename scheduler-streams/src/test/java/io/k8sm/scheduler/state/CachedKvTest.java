package io.k8sm.scheduler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedKvTest {

    @Test
    void writesGoThroughToTheStoreAndReadsComeFromTheCopy() {
        MapKv<String, String> store = new MapKv<>();
        CachedKv<String> kv = new CachedKv<>(store);
        kv.put("a", "1");
        kv.put("b", "2");
        kv.delete("a");
        assertNull(store.get("a"));
        assertEquals("2", store.get("b"));
        assertEquals("2", kv.get("b"));
    }

    @Test
    void theCopyIsLoadedOnFirstUseSoAStoreRestoredAfterConstructionIsSeen() {
        MapKv<String, String> store = new MapKv<>();
        CachedKv<String> kv = new CachedKv<>(store);
        store.put("restored", "x"); // Kafka Streams restores before the first record, after the processor exists
        assertEquals("x", kv.get("restored"));
        assertEquals(1, kv.all().size());
    }

    @Test
    void allIsInUtf8ByteOrderLikeAKafkaStreamsStore() {
        List<String> keys = Arrays.asList("b", "a", "\uFF21", "\uD83D\uDE00", "aa", "Z");
        CachedKv<String> kv = new CachedKv<>(new MapKv<>());
        keys.forEach(k -> kv.put(k, k));
        List<String> byBytes = keys.stream()
                .sorted((x, y) ->
                        Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)))
                .toList();
        assertEquals(byBytes, kv.all().stream().map(Map.Entry::getKey).toList());
    }
}
