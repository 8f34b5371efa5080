package io.k8sm.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8sm.app.CommandLineTest;
import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.app.K8sm;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.Heartbeat;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroSerializer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code k8sm tap} on the embedded broker: what it prints, what it reads, and that it never harms
 * (creates no topic) or hangs (SIGTERM with the registry stuck, a closed pipe, a wrong broker) —
 * each as the usability review (§1.4, §1.5, §2) reported it.
 */
@WithKafkaWorld
class TapCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID STATUS_UUID = UUID.fromString("5a9d41ba-f78a-4efe-8de1-bbe7ae28c045");

    private static Run k8sm(String... args) {
        return CommandLineTest.k8sm(args);
    }

    private static String[] with(KafkaWorld world, String prefix, String... args) {
        return CommandLineTest.with(world, prefix, args);
    }

    private static List<JsonNode> lines(Run r) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : r.out().strip().split("\n")) {
            if (!l.isBlank()) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    /** Two framework events, a task status and a pod with a header; returns nothing. */
    private static void fill(KafkaWorld world, String prefix) throws Exception {
        assertEquals(
                0,
                k8sm(with(world, prefix, "topics", "create", "--replication-factor", "1"))
                        .exit());
        ByteBuffer uuid = ByteBuffer.allocate(16)
                .putLong(STATUS_UUID.getMostSignificantBits())
                .putLong(STATUS_UUID.getLeastSignificantBits())
                .flip();
        TaskStatus status = TaskStatus.newBuilder()
                .setTaskId("t-1")
                .setState(TaskState.TASK_RUNNING)
                .setUuid(uuid)
                .setTimestamp(1.5)
                .build();
        PodSnapshot pod = PodSnapshot.newBuilder()
                .setUid("u-1")
                .setNamespace("default")
                .setName("web-1")
                .build();
        try (SchemaRegistryClient registry =
                        SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", world.registryUrl()));
                AvroSerializer<Object> avro = new AvroSerializer<>(registry);
                var raw = new KafkaProducer<>(
                        world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(
                            prefix + "framework",
                            bytes("k8sm"),
                            avro.serialize(prefix + "framework", new FrameworkEvent(new Heartbeat()))))
                    .get();
            raw.send(new ProducerRecord<>(
                            prefix + "task-status", bytes("t-1"), avro.serialize(prefix + "task-status", status)))
                    .get();
            RecordHeaders h = new RecordHeaders();
            h.add("trace", bytes("t-9"));
            raw.send(new ProducerRecord<>(
                            prefix + "pods", 0, bytes("default/web-1"), avro.serialize(prefix + "pods", pod), h))
                    .get();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unionBranchesAreNamedAndBytesAndTimesReadable(KafkaWorld world) throws Exception {
        fill(world, "tu.");
        List<JsonNode> framework = lines(k8sm(with(world, "tu.", "tap", "framework", "--from-beginning")));
        assertTrue(framework.get(0).get("value").get("event").has("Heartbeat"), framework.toString());
        JsonNode status = lines(k8sm(with(world, "tu.", "tap", "task-status", "--from-beginning")))
                .get(0);
        assertEquals(STATUS_UUID.toString(), status.get("value").get("uuid").asText(), status.toString());
        assertTrue(status.get("timestamp").asText().endsWith("Z"), status.toString());
        // a timestamp-millis field (RegistryTask.createTime) reads as ISO-8601, not epoch ms
        org.apache.avro.Schema schema = io.k8sm.avro.RegistryTask.getClassSchema();
        org.apache.avro.generic.GenericRecord task =
                new org.apache.avro.generic.GenericData.Record(org.apache.avro.Schema.createRecord(
                        "T",
                        null,
                        "x",
                        false,
                        List.of(new org.apache.avro.Schema.Field(
                                "createTime", schema.getField("createTime").schema()))));
        task.put("createTime", 1796155684797L);
        assertEquals(
                "2026-12-01T20:08:04.797Z", AvroJson.of(task).get("createTime").asText());
    }

    @Test
    void severalTopicsAtOnceEachLineNamingItsTopicWithFiltersHeadersAndSchemaIds(KafkaWorld world) throws Exception {
        fill(world, "tm.");
        Run all = k8sm(with(
                world,
                "tm.",
                "tap",
                "framework",
                "task-status",
                "pods",
                "--from-beginning",
                "--headers",
                "--schema-id"));
        assertEquals(0, all.exit(), all.err());
        List<JsonNode> lines = lines(all);
        assertEquals(3, lines.size(), all.out());
        assertEquals(
                List.of("tm.framework", "tm.pods", "tm.task-status"),
                lines.stream().map(l -> l.get("topic").asText()).sorted().toList());
        JsonNode pod = lines.stream()
                .filter(l -> l.get("topic").asText().equals("tm.pods"))
                .findFirst()
                .orElseThrow();
        assertEquals("t-9", pod.get("headers").get(0).get("value").asText(), pod.toString());
        assertTrue(pod.get("schemaId").asInt() > 0, pod.toString());

        Run where = k8sm(with(
                world,
                "tm.",
                "tap",
                "framework",
                "task-status",
                "pods",
                "--from-beginning",
                "--where",
                "state=TASK_RUNNING"));
        assertEquals(
                List.of("tm.task-status"),
                lines(where).stream().map(l -> l.get("topic").asText()).toList());
        Run branch = k8sm(
                with(world, "tm.", "tap", "framework", "pods", "--from-beginning", "--where", "value.event=Heartbeat"));
        assertEquals(
                List.of("tm.framework"),
                lines(branch).stream().map(l -> l.get("topic").asText()).toList());
        Run grep = k8sm(with(world, "tm.", "tap", "framework", "pods", "--from-beginning", "--grep", "web-\\d"));
        assertEquals(
                List.of("tm.pods"),
                lines(grep).stream().map(l -> l.get("topic").asText()).toList());

        Run pretty = k8sm(with(world, "tm.", "tap", "pods", "--from-beginning", "-o", "pretty"));
        assertTrue(pretty.out().startsWith("{\n"), pretty.out());
        Run future = k8sm(with(world, "tm.", "tap", "pods", "--from", "2999-01-01"));
        assertEquals(0, future.exit(), future.err());
        assertEquals("", future.out());
        Run offset = k8sm(with(world, "tm.", "tap", "pods", "--partition", "0", "--offset", "-1"));
        assertEquals(1, lines(offset).size(), offset.out() + offset.err());
        Run badPartition = k8sm(with(world, "tm.", "tap", "pods", "--partition", "7", "--from-beginning"));
        assertEquals(2, badPartition.exit());
        assertTrue(badPartition.err().contains("--partition 7"), badPartition.err());
    }

    @Test
    void anyTopicCanBeTappedAvroDecodedAndTheRestRaw(KafkaWorld world) throws Exception {
        world.createTopic("some-app-changelog", 1, true);
        try (SchemaRegistryClient registry =
                        SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", world.registryUrl()));
                AvroSerializer<Object> avro = new AvroSerializer<>(registry);
                var raw = new KafkaProducer<>(
                        world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>("some-app-changelog", bytes("a"), bytes("plain text")))
                    .get();
            raw.send(new ProducerRecord<>("some-app-changelog", bytes("b"), new byte[] {1, (byte) 0xff, 0}))
                    .get();
            raw.send(new ProducerRecord<>(
                            "some-app-changelog",
                            bytes("c"),
                            avro.serialize("some-app-changelog", new FrameworkEvent(new Heartbeat()))))
                    .get();
        }
        Run r = k8sm(with(world, "ta.", "tap", "some-app-changelog", "--from-beginning"));
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> lines = lines(r);
        assertEquals("plain text", lines.get(0).get("value").asText());
        assertEquals("Af8A", lines.get(1).get("value").get("base64").asText());
        assertTrue(lines.get(2).get("value").get("event").has("Heartbeat"), lines.toString());
    }

    @Test
    void aMissingTopicIsAnErrorAndIsNotCreated(KafkaWorld world) throws Exception {
        Run r = k8sm(with(world, "zz.", "tap", "pods", "--from-beginning"));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("topic zz.pods does not exist"), r.err());
        assertFalse(
                world.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains("zz.pods"),
                "tap created zz.pods");
        Run other = k8sm(with(world, "zz.", "tap", "no-such-topic"));
        assertEquals(2, other.exit());
        assertFalse(world.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains("no-such-topic"));
    }

    @Test
    void aWrongBrokerFailsWithinTheTimeoutNamingTheAddress() {
        Run r = k8sm("tap", "pods", "-b", "localhost:1", "--timeout", "2");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Kafka at localhost:1 did not answer within 2 s"), r.err());
    }

    @Test
    void sigtermStopsTapWhileTheRegistryHangs(KafkaWorld world) throws Exception {
        fill(world, "ts.");
        try (ServerSocket stuck = new ServerSocket(0)) {
            List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(stuck.accept()); // accept, never answer
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Process tap = child(
                    "tap",
                    "pods",
                    "--from-beginning",
                    "--follow",
                    "-b",
                    world.bootstrapServers(),
                    "-r",
                    "http://localhost:" + stuck.getLocalPort(),
                    "--topic-prefix",
                    "ts.");
            try {
                // the registry has been asked (tap is stuck decoding) before the signal
                while (held.isEmpty() && tap.isAlive()) {
                    Thread.sleep(100);
                }
                assertTrue(tap.isAlive(), "tap ended before it asked the registry");
                new ProcessBuilder("kill", "-TERM", Long.toString(tap.pid()))
                        .start()
                        .waitFor();
                assertTrue(tap.waitFor(30, TimeUnit.SECONDS), "tap ignored SIGTERM while the registry hung");
                assertEquals(128 + 15, tap.exitValue(), "the documented exit code after SIGTERM");
            } finally {
                tap.destroyForcibly();
            }
        }
    }

    @Test
    void tapExitsWhenItsOutputPipeCloses(KafkaWorld world) throws Exception {
        fill(world, "tp.");
        Process tap = child(
                "tap",
                "pods",
                "--from-beginning",
                "--follow",
                "-b",
                world.bootstrapServers(),
                "-r",
                world.registryUrl(),
                "--topic-prefix",
                "tp.");
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(tap.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(out.readLine().contains("web-1"));
            out.close(); // | head -1
            try (var raw =
                    new KafkaProducer<>(world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 3 && tap.isAlive(); i++) {
                    raw.send(new ProducerRecord<>("tp.pods", bytes("k"), new byte[] {0, 0, 0}))
                            .get();
                    tap.waitFor(5, TimeUnit.SECONDS);
                }
            }
            assertTrue(tap.waitFor(30, TimeUnit.SECONDS), "tap --follow went on after its reader left");
            assertEquals(0, tap.exitValue());
        } finally {
            tap.destroyForcibly();
        }
    }

    private static Process child(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                K8sm.class.getName(),
                "--log-level",
                "WARN"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
