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

    @Test
    void theKeyOrderIsUtf8ByteOrderForKeysWithSurrogatesAndHighBmpCharactersAlike() {
        char[] alphabet = {
            'a', 'b', '/', '-', '\u00e9', '\uD7FF', '\uE000', '\uFF21', '\uD83D', '\uDE00', '\uDBFF', '\uDFFF'
        };
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 20_000; n++) {
            String a = randomKey(random, alphabet);
            String b = random.nextInt(4) == 0 ? a + randomKey(random, alphabet) : randomKey(random, alphabet);
            int bytes = Integer.signum(
                    Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
            assertEquals(bytes, Integer.signum(CachedKv.UTF8_ORDER.compare(a, b)), a + " vs " + b);
        }
    }

    /** A well-formed key (surrogates only in pairs), so that its UTF-8 bytes are defined. */
    private static String randomKey(java.util.Random random, char[] alphabet) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(6);
        while (s.length() < length) {
            char c = alphabet[random.nextInt(alphabet.length)];
            if (Character.isHighSurrogate(c)) {
                s.append(c).append(random.nextBoolean() ? '\uDE00' : '\uDFFF');
            } else if (!Character.isLowSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString();
    }
}
