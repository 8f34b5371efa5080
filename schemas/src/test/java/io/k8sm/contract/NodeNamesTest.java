package io.k8sm.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mesos hostnames → Kubernetes node names: valid, injective, reversible. */
class NodeNamesTest {

    @Test
    void aValidHostnameIsItsOwnNodeName() {
        for (String h : List.of("host-1", "agent-07.example.com", "10.0.0.7", "a")) {
            assertEquals(h, NodeNames.toNodeName(h));
            assertEquals(h, NodeNames.toHostname(h));
        }
    }

    @Test
    void anInvalidHostnameBecomesAValidNodeNameThatGivesItBack() {
        for (String h : List.of(
                "Agent_07.EXAMPLE.com.",
                "agent-07.example.com.",
                "AGENT",
                "under_score",
                "ünïcödé.example",
                "-leading",
                "h--looks-escaped",
                "x".repeat(64) + ".example",
                "a..b")) {
            String n = NodeNames.toNodeName(h);
            assertTrue(NodeNames.isValidNodeName(n), h + " → " + n);
            assertTrue(n.startsWith(NodeNames.ESCAPED), n);
            assertEquals(h, NodeNames.toHostname(n), n);
        }
    }

    @Test
    void noTwoHostnamesShareANodeName() {
        Random random = new Random(42);
        String alphabet = "aA0_-.zZ9ü";
        Map<String, String> byName = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder h = new StringBuilder();
            int len = 1 + random.nextInt(12);
            for (int j = 0; j < len; j++) {
                h.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String host = h.toString();
            String name = NodeNames.toNodeName(host);
            assertTrue(NodeNames.isValidNodeName(name), host + " → " + name);
            String earlier = byName.putIfAbsent(name, host);
            assertTrue(earlier == null || earlier.equals(host), host + " and " + earlier + " → " + name);
            assertEquals(host, NodeNames.toHostname(name));
        }
        assertNotEquals(NodeNames.toNodeName("agent"), NodeNames.toNodeName("Agent"));
    }

    @Test
    void aHostnameTooLongToEncodeIsRefusedAndABlankOneToo() {
        assertThrows(IllegalArgumentException.class, () -> NodeNames.toNodeName("A".repeat(200)));
        assertThrows(IllegalArgumentException.class, () -> NodeNames.toNodeName(""));
    }
}
