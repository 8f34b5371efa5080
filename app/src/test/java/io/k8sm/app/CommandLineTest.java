package io.k8sm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroSerializer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Also the other command tests' way to run {@code k8sm}: {@link #k8sm} and {@link #with}. */
@WithKafkaWorld
public class CommandLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs the command line with stdout and stderr captured. */
    public record Run(int exit, String out, String err) {}

    public static synchronized Run k8sm(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = K8sm.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    public static String[] with(KafkaWorld world, String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-b", world.bootstrapServers(), "-r", world.registryUrl(), "--topic-prefix", prefix));
        return all.toArray(String[]::new);
    }

    @Test
    void topicsCreateIsIdempotent(KafkaWorld world) {
        Run first = k8sm(with(world, "idem.", "topics", "create", "--replication-factor", "1"));
        assertEquals(0, first.exit(), first.err());
        int catalogue = io.k8sm.topics.Topic.values().length;
        assertTrue(first.out().contains(catalogue + " created, 0 already existed"), first.out());
        Run second = k8sm(with(world, "idem.", "topics", "create", "--replication-factor", "1"));
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("0 created, " + catalogue + " already existed"), second.out());
        Run list = k8sm(with(world, "idem.", "topics", "list"));
        assertTrue(list.out().contains("idem.task-registry") && !list.out().contains(" no "), list.out());
    }

    @Test
    void tapPrintsDecodedRecordsAndAnErrorLineForACorruptOne(KafkaWorld world) throws Exception {
        assertEquals(
                0,
                k8sm(with(world, "tap.", "topics", "create", "--replication-factor", "1"))
                        .exit());
        PodSnapshot pod = PodSnapshot.newBuilder()
                .setUid("u-1")
                .setNamespace("default")
                .setName("web-1")
                .build();
        try (SchemaRegistryClient registry =
                        SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", world.registryUrl()));
                var producer = new KafkaProducer<>(
                        world.producerProps(), new StringSerializer(), new AvroSerializer<PodSnapshot>(registry));
                var raw = new KafkaProducer<>(
                        world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("tap.pods", "default/web-1", pod))
                    .get();
            raw.send(new ProducerRecord<>(
                            "tap.pods", "default/bad".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0}))
                    .get();
        }
        Run tap = k8sm(with(world, "tap.", "tap", "pods", "--from-beginning"));
        assertEquals(0, tap.exit(), tap.err());
        String[] lines = tap.out().strip().split("\n");
        assertEquals(2, lines.length, tap.out());
        JsonNode good = JSON.readTree(lines[0]);
        assertEquals("default/web-1", good.get("key").asText());
        assertEquals("web-1", good.get("value").get("name").asText());
        JsonNode bad = JSON.readTree(lines[1]);
        assertEquals(1, bad.get("offset").asLong());
        assertTrue(bad.get("error").asText().contains("tap.pods/0/1"), bad.toString());
        assertTrue(
                bad.get("error").asText().contains("too short")
                        || bad.get("error").asText().contains("5"),
                bad.toString());

        Run keyed = k8sm(
                with(world, "tap.", "tap", "tap.pods", "--from-beginning", "--key", "default/web-1", "--limit", "1"));
        assertEquals(1, keyed.out().strip().split("\n").length, keyed.out());
    }

    @Test
    void unknownSettingExitsWithCode2NamingTheKeyAndItsSource() {
        Run r = k8sm("topics", "list", "-D", "bootstrap.server=localhost:1");
        assertEquals(K8sm.EXIT_CONFIG, r.exit());
        assertTrue(r.err().contains("'bootstrap.server'") && r.err().contains("command-line flag"), r.err());
    }

    @Test
    void unknownTopicNameIsAClearError(KafkaWorld world) {
        Run r = k8sm(with(world, "x.", "tap", "podz"));
        assertEquals(K8sm.EXIT_CONFIG, r.exit());
        assertTrue(r.err().contains("'podz' is not a k8sm topic"), r.err());
    }

    @Test
    void everySubcommandHasHelp() {
        for (String[] cmd : List.of(
                new String[] {"--help"},
                new String[] {"demo", "--help"},
                new String[] {"tap", "--help"},
                new String[] {"topics", "--help"},
                new String[] {"topics", "create", "--help"},
                new String[] {"topics", "list", "--help"},
                new String[] {"topics", "describe", "--help"},
                new String[] {"version", "--help"})) {
            Run r = k8sm(cmd);
            assertEquals(0, r.exit(), String.join(" ", cmd));
            assertTrue(r.out().startsWith("Usage: k8sm"), String.join(" ", cmd) + ": " + r.out());
        }
    }

    @Test
    void everyCommandsHelpEndsWithAnExample() {
        picocli.CommandLine root = new picocli.CommandLine(new K8sm());
        java.util.List<String> without = new java.util.ArrayList<>();
        java.util.ArrayDeque<picocli.CommandLine> todo =
                new java.util.ArrayDeque<>(root.getSubcommands().values());
        while (!todo.isEmpty()) {
            picocli.CommandLine c = todo.pop();
            todo.addAll(c.getSubcommands().values());
            if (c.getCommandName().equals("help") || c.getSubcommands().size() > 1) {
                continue; // picocli's help, and groups whose subcommands carry the examples
            }
            if (!c.getUsageMessage().contains("Example")) {
                without.add(c.getCommandSpec().qualifiedName());
            }
        }
        assertEquals(java.util.List.of(), without, "commands whose --help shows no example");
    }
}
