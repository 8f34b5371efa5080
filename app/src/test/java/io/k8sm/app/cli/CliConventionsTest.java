package io.k8sm.app.cli;

import static io.k8sm.app.CommandLineTest.k8sm;
import static io.k8sm.app.CommandLineTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command-line conventions of the usability review (December 2026, §1.2, §1.5, §6 item 15),
 * each reproduced as it was reported.
 */
@WithKafkaWorld
class CliConventionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Java class name such as java.lang.IllegalStateException or o.a.k...TimeoutException. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\b(?:[a-z][a-z0-9]*\\.)+[A-Z]\\w*(?:Exception|Error)\\b");

    @Test
    void helpOfANestedCommandShowsThatCommand() {
        Run r = k8sm("help", "run", "scheduler");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: k8sm run scheduler"), r.out());
    }

    @Test
    void aMissingSubcommandExits2WithUsageOnStderr() {
        for (String[] cmd : List.of(new String[] {"run"}, new String[] {"topics"}, new String[] {"dead-letters"})) {
            Run r = k8sm(cmd);
            assertEquals(2, r.exit(), String.join(" ", cmd) + ": " + r.out() + r.err());
            assertTrue(r.err().contains("Missing required subcommand"), r.err());
            assertTrue(r.err().contains("Usage: k8sm " + cmd[0]), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void everyNewCommandHasHelpWithAnExample() {
        for (String[] cmd : List.of(
                new String[] {"tap", "--help"},
                new String[] {"dead-letters", "--help"},
                new String[] {"dead-letters", "list", "--help"},
                new String[] {"dead-letters", "show", "--help"},
                new String[] {"dead-letters", "redrive", "--help"},
                new String[] {"completion", "--help"},
                new String[] {"topics", "list", "--help"},
                new String[] {"topics", "describe", "--help"})) {
            Run r = k8sm(cmd);
            assertEquals(0, r.exit(), String.join(" ", cmd));
            assertTrue(r.out().startsWith("Usage: k8sm"), String.join(" ", cmd) + ": " + r.out());
            assertTrue(r.out().contains("Example"), String.join(" ", cmd) + ": " + r.out());
        }
    }

    @Test
    void aBadOptionValueIsAUsageErrorInOneSentence() {
        Run since = k8sm("dead-letters", "list", "--since", "yesterday-ish");
        assertEquals(2, since.exit(), since.err());
        assertTrue(since.err().startsWith("k8sm: --since: 'yesterday-ish' is not a time"), since.err());
        Run id = k8sm("dead-letters", "show", "nope");
        assertEquals(2, id.exit(), id.err());
        assertTrue(id.err().contains("'nope' is not a dead letter ID"), id.err());
        Run none = k8sm("dead-letters", "redrive");
        assertEquals(2, none.exit(), none.err());
    }

    @Test
    void completionPrintsABashCompletionScript() {
        Run r = k8sm("completion");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("complete -F") && r.out().contains("k8sm"), r.out());
        assertTrue(r.out().contains("dead-letters") && r.out().contains("tap"), "subcommands are completed");
    }

    @Test
    void topicsListPrintsThePartitionsItPromisesAndTheClusterCleanupPolicy(KafkaWorld world) {
        assertEquals(
                0,
                k8sm(with(world, "tl.", "topics", "create", "--replication-factor", "1"))
                        .exit());
        Run r = k8sm(with(world, "tl.", "topics", "list"));
        assertEquals(0, r.exit(), r.err());
        String header = r.out().lines().findFirst().orElseThrow();
        assertTrue(header.contains("PARTITIONS"), header);
        String launch = r.out()
                .lines()
                .filter(l -> l.startsWith("launch-requests"))
                .findFirst()
                .orElseThrow();
        assertTrue(launch.matches(".*\\byes\\s+3\\s+delete.*"), launch);
    }

    @Test
    void topicsCreateFlagsAnExistingTopicWithTheWrongCleanupPolicy(KafkaWorld world) {
        world.createTopic("cp.pods", 1, false);
        Run r = k8sm(with(world, "cp.", "topics", "create", "--replication-factor", "1"));
        assertEquals(0, r.exit(), r.err());
        String pods =
                r.out().lines().filter(l -> l.contains("cp.pods")).findFirst().orElseThrow();
        assertTrue(pods.contains("cleanup.policy=delete, catalogue says compact"), r.out());
        Run list = k8sm(with(world, "cp.", "topics", "list"));
        assertTrue(
                list.out().lines().anyMatch(l -> l.startsWith("pods ") && l.contains("delete (catalogue: compact)")),
                list.out());
    }

    @Test
    void everyListingSpeaksJsonAndYaml(KafkaWorld world) throws Exception {
        assertEquals(
                0,
                k8sm(with(world, "tj.", "topics", "create", "--replication-factor", "1"))
                        .exit());
        Run json = k8sm(with(world, "tj.", "topics", "list", "-o", "json"));
        assertEquals(0, json.exit(), json.err());
        JsonNode rows = JSON.readTree(json.out());
        assertTrue(rows.isArray() && rows.size() >= 14, json.out());
        JsonNode pods = rows.get(0);
        assertEquals("pods", pods.get("logical").asText());
        assertEquals("tj.pods", pods.get("topic").asText());
        assertEquals(1, pods.get("partitions").asInt());
        Run yaml = k8sm(with(world, "tj.", "topics", "describe", "pods", "-o", "yaml"));
        assertEquals(0, yaml.exit(), yaml.err());
        JsonNode d = new YAMLMapper().readTree(yaml.out());
        assertEquals("compact", d.get(0).get("cluster").get("cleanupPolicy").asText(), yaml.out());
        Run dl = k8sm(with(world, "tj.", "dead-letters", "list", "-o", "json"));
        assertEquals(0, dl.exit(), dl.err());
        assertTrue(JSON.readTree(dl.out()).isArray(), dl.out());
        Run bad = k8sm(with(world, "tj.", "topics", "list", "-o", "xml"));
        assertEquals(2, bad.exit());
    }

    @Test
    void anUnreachableBrokerIsOneSentenceNamingTheAddressWithinTheTimeout() {
        Run r = k8sm("topics", "list", "-b", "localhost:1", "--timeout", "2");
        assertEquals(1, r.exit());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("k8sm topics list: "), last);
        assertTrue(last.contains("localhost:1"), last);
        assertFalse(CLASS_NAME.matcher(r.err()).find(), r.err());
    }

    @Test
    void aHostWithoutPortIsAnErrorWithoutAClassName() {
        Run r = k8sm("tap", "pods", "-b", "localhost", "--timeout", "2");
        assertTrue(r.exit() == 1 || r.exit() == 2, r.err());
        assertFalse(CLASS_NAME.matcher(r.err()).find(), r.err());
        assertTrue(r.err().contains("localhost"), r.err());
    }
}
