package io.k8sm.app;

import static io.k8sm.app.CommandLineTest.k8sm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.avro.Container;
import io.k8sm.avro.Kill;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Resource;
import io.k8sm.avro.ValueType;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerService;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code k8sm get} and {@code k8sm describe} against a scheduler of two instances (one application
 * id, two state directories, two query ports) on the embedded broker, with every input topic in two
 * partitions: each instance owns one scheduling shard, and either answers for both.
 */
@WithKafkaWorld
class QueryCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "query2.";

    @TempDir
    Path dirA;

    @TempDir
    Path dirB;

    @Test
    void eitherInstanceAnswersForTheShardTheOtherOwnsAndDescribeTellsTheStory(KafkaWorld world) throws Exception {
        int portA = freePort();
        int portB = freePort();
        SchedulerConfig a = config(world, dirA, portA);
        SchedulerConfig b = config(world, dirB, portB);
        SchedulerTopics t = a.schedulerTopics();
        try (Admin admin = world.admin()) {
            admin.createTopics(a.kafka().topics().all((short) 1)).all().get();
        }
        String placed = keyInPartition("default/web-", 1); // fits the offer of shard 1
        String waiting = keyInPartition("default/big-", 0); // shard 0 has no offers
        try (SchedulerService one = new SchedulerService(a);
                SchedulerService two = new SchedulerService(b)) {
            one.start();
            two.start();
            await("both instances own a shard", () -> eachOwnsAPartition(one.streams(), two.streams()));
            SchedulerSerdes serdes = SchedulerSerdes.registry(a.kafka());
            String beforeAnyPod = java.time.Instant.now().minusSeconds(1).toString();
            send(world, serdes, t.pods(), null, waiting, pod(waiting, 2.0), PodSnapshot.class);
            send(world, serdes, t.pods(), null, placed, pod(placed, 0.5), PodSnapshot.class);
            send(world, serdes, t.offers(), 1, "shard-1", offer("o-1", "host-1"), OfferEvent.class);

            // Ask the instance that does NOT own each key.
            String urlOwning0 = owner(one.streams(), 0) ? url(portA) : url(portB);
            String urlOwning1 = owner(one.streams(), 1) ? url(portA) : url(portB);
            assertTrue(!urlOwning0.equals(urlOwning1), "one shard each");

            Run task = eventually(
                    () -> k8sm(args(world, "get", "tasks", "-o", "json", "--scheduler-url", urlOwning0)),
                    r -> r.exit() == 0 && r.out().contains("\"assignedSlave\" : \"host-1\""));
            JsonNode items = JSON.readTree(task.out()).get("items");
            assertEquals(2, items.size(), "a task per pod, one from each shard: " + task.out());
            JsonNode placedTask = null;
            for (JsonNode i : items) {
                if (i.get("podKey").asText().equals(placed)) {
                    placedTask = i;
                }
            }
            assertTrue(placedTask != null, task.out());
            String taskId = placedTask.get("id").asText();
            assertEquals("host-1", placedTask.path("spec").path("assignedSlave").asText());

            Run pod = k8sm(args(world, "get", "pods", placed, "-o", "yaml", "--scheduler-url", urlOwning0));
            assertEquals(0, pod.exit(), pod.err());
            assertTrue(pod.out().contains("taskId: \"" + taskId + "\""), pod.out());

            Run queue = eventually(
                    () -> k8sm(args(world, "get", "queue", "--scheduler-url", urlOwning1)),
                    r -> r.exit() == 0 && r.out().contains(waiting));
            assertTrue(queue.out().startsWith("POD"), queue.out());
            assertTrue(queue.out().contains("0/0 offers fit"), "the last shortfall:\n" + queue.out());

            Run pods = k8sm(args(world, "get", "pods", "--scheduler-url", urlOwning1));
            assertTrue(pods.out().contains(placed) && pods.out().contains(waiting), "both shards:\n" + pods.out());

            Run agents = k8sm(args(world, "get", "agents", "-o", "wide", "--scheduler-url", urlOwning0));
            assertTrue(agents.out().contains("agent-host-1") && agents.out().contains("OFFERED CPUS"), agents.out());

            // mesos-calls is keyed by call id: the story finds the task in the call itself.
            send(
                    world,
                    serdes,
                    t.mesosCalls(),
                    null,
                    "call-1",
                    new MesosCall("call-1", new Kill(taskId, "agent-host-1")),
                    MesosCall.class);
            Run described = k8sm(args(world, "describe", "pod", placed, "--scheduler-url", urlOwning0));
            assertEquals(0, described.exit(), described.err());
            assertTrue(described.out().contains("AssignedSlave:    host-1"), described.out());
            assertTrue(described.out().contains(taskId), described.out());
            assertTrue(described.out().contains("scheduler-events  SCHEDULED"), "the story:\n" + described.out());
            assertTrue(
                    described.out().contains("mesos-calls       KILL task " + taskId),
                    "the story:\n" + described.out());
            assertTrue(
                    described.out().indexOf("FAILED_SCHEDULING")
                            < described.out().indexOf("SCHEDULED offer o-1"),
                    "in time order:\n" + described.out());

            Run pending = k8sm(args(world, "describe", "pod", waiting, "--scheduler-url", urlOwning1));
            assertEquals(0, pending.exit(), pending.err());
            assertTrue(pending.out().contains("Last shortfall:   0/0 offers fit"), pending.out());
            assertTrue(pending.out().contains("FAILED_SCHEDULING"), pending.out());

            Run unknown = k8sm(args(world, "describe", "pod", "default/nope", "--scheduler-url", urlOwning0));
            assertEquals(1, unknown.exit(), unknown.out());
            assertEquals(
                    "k8sm describe: the scheduler at " + urlOwning0 + " knows no pod default/nope",
                    unknown.err().strip());

            // --at: the same answers from a replay of the topics, as they were at a time
            String now = java.time.Instant.now().toString();
            Run replayed = k8sm(args(world, "get", "tasks", "-o", "json", "--at", now));
            assertEquals(0, replayed.exit(), replayed.err());
            assertEquals(items, JSON.readTree(replayed.out()).get("items"), "the replay's registry is the live one");
            Run then = k8sm(args(world, "describe", "pod", placed, "--at", now));
            assertEquals(0, then.exit(), then.err());
            assertTrue(then.out().contains("AssignedSlave:    host-1"), then.out());
            Run empty = k8sm(args(world, "get", "tasks", "--at", beforeAnyPod));
            assertEquals(0, empty.exit(), empty.err());
            assertEquals("No tasks found.", empty.out().strip());
            Run notYet = k8sm(args(world, "describe", "pod", placed, "--at", beforeAnyPod));
            assertEquals(1, notYet.exit(), notYet.out());
            assertTrue(notYet.err().strip().startsWith("k8sm describe: a replay of the topics up to "), notYet.err());
        }
    }

    @Test
    void withoutASchedulerServingQueriesTheErrorNamesTheUrl() throws Exception {
        String url = url(freePort());
        Run r = k8sm("get", "tasks", "--scheduler-url", url);
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().strip().startsWith("k8sm get: no scheduler is serving queries at " + url), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Run d = k8sm("describe", "pod", "default/web-1", "--scheduler-url", url);
        assertEquals(1, d.exit(), d.out());
        assertTrue(d.err().contains("no scheduler is serving queries at " + url), d.err());
    }

    @Test
    void getAndDescribeHaveHelpWithExamplesAndRejectBadUsage() {
        for (String cmd : List.of("get", "describe")) {
            Run h = k8sm(cmd, "--help");
            assertEquals(0, h.exit(), h.err());
            assertTrue(h.out().contains("Examples:") && h.out().contains("k8sm " + cmd + " "), h.out());
        }
        Run badKind = k8sm("get", "nodes");
        assertEquals(K8sm.EXIT_CONFIG, badKind.exit(), badKind.err());
        assertTrue(badKind.err().contains("unknown kind 'nodes'"), badKind.err());
        Run badName = k8sm("describe", "pod", "web-1");
        assertEquals(K8sm.EXIT_CONFIG, badName.exit(), badName.err());
        assertTrue(badName.err().contains("NAMESPACE/NAME"), badName.err());
    }

    private static SchedulerConfig config(KafkaWorld world, Path stateDir, int port) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("bootstrap.servers", world.bootstrapServers());
        cfg.put("schema.registry.url", world.registryUrl());
        cfg.put("topics.prefix", PREFIX);
        for (String input :
                List.of("pods", "offers", "task-status", "framework", "launcher-events", "clock", "nodes")) {
            cfg.put("topics." + input + ".partitions", "2");
        }
        cfg.put(SchedulerConfig.APPLICATION_ID, "query2");
        cfg.put(SchedulerConfig.STATE_DIR, stateDir.toString());
        cfg.put(SchedulerConfig.QUERY_LISTEN, "127.0.0.1:" + port);
        cfg.put("kafka.commit.interval.ms", "100");
        cfg.put("kafka.session.timeout.ms", "6000");
        cfg.put("kafka.heartbeat.interval.ms", "1000");
        return SchedulerConfig.fromMap(cfg);
    }

    private static String[] args(KafkaWorld world, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-b", world.bootstrapServers(), "-r", world.registryUrl(), "--topic-prefix", PREFIX));
        return all.toArray(String[]::new);
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A pod key the default partitioner puts in {@code partition} of two. */
    private static String keyInPartition(String prefix, int partition) {
        for (int i = 0; ; i++) {
            String key = prefix + i;
            if (Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2 == partition) {
                return key;
            }
        }
    }

    private static boolean eachOwnsAPartition(KafkaStreams x, KafkaStreams y) {
        return x.state() == KafkaStreams.State.RUNNING
                && y.state() == KafkaStreams.State.RUNNING
                && !x.metadataForLocalThreads().isEmpty()
                && x.metadataForAllStreamsClients().size() == 2
                && x.metadataForAllStreamsClients().stream()
                        .allMatch(m -> !m.topicPartitions().isEmpty())
                && y.metadataForAllStreamsClients().stream()
                        .allMatch(m -> !m.topicPartitions().isEmpty());
    }

    /** Whether {@code s} itself runs the active task of input partition {@code p}. */
    private static boolean owner(KafkaStreams s, int p) {
        return s.metadataForLocalThreads().stream()
                .flatMap(t -> t.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .anyMatch(tp -> tp.topic().equals(PREFIX + "pods") && tp.partition() == p);
    }

    private static <T extends SpecificRecord> void send(
            KafkaWorld world,
            SchedulerSerdes serdes,
            String topic,
            Integer partition,
            String key,
            T value,
            Class<T> type) {
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(world.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                    topic, partition, key, serdes.value(type).serializer().serialize(topic, value)));
        }
    }

    private static PodSnapshot pod(String key, double cpus) {
        String[] p = key.split("/", 2);
        return PodSnapshot.newBuilder()
                .setUid("uid-" + key)
                .setNamespace(p[0])
                .setName(p[1])
                .setResourceVersion("1")
                .setSchedulerName(null)
                .setLabels(Map.of())
                .setAnnotations(Map.of())
                .setNodeName(null)
                .setNodeSelector(Map.of())
                .setContainers(List.of(new Container("c0", "busybox", cpus, 128L * 1024 * 1024, List.of(), null, null)))
                .setPhase(null)
                .setHostIP(null)
                .setPodIP(null)
                .setReady(false)
                .setDeletionTimestamp(null)
                .setManifest("{}")
                .build();
    }

    private static OfferEvent offer(String id, String host) {
        List<Resource> rs = List.of(
                new Resource("cpus", ValueType.SCALAR, 4.0, List.of(), List.of(), "*", null),
                new Resource("mem", ValueType.SCALAR, 4096.0, List.of(), List.of(), "*", null));
        return new OfferEvent(new Offer(id, "fw-1", "agent-" + host, host, rs, List.of(), List.of(), null, null));
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never: " + what);
            }
            Thread.sleep(200);
        }
    }

    private static Run eventually(Supplier<Run> run, Predicate<Run> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Run last = run.get();
        while (!wanted.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "never got the wanted answer; last: exit " + last.exit() + "\n" + last.out() + last.err());
            }
            Thread.sleep(300);
            last = run.get();
        }
        return last;
    }
}
