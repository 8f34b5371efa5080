package io.k8sm.launcher;

import static io.k8sm.launcher.Fixtures.NS;
import static io.k8sm.launcher.Fixtures.pod;
import static io.k8sm.launcher.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8sm.avro.Kill;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.launcher.kafka.Codec;
import io.k8sm.launcher.source.PodSnapshots;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10.8 and 10.10: the launcher across its own restarts and brief Kubernetes API faults. Each
 * test checks the other side's record: the {@code pods} topic, the API mock's pod, the kills on
 * {@code mesos-calls} (what the launcher asked Mesos to do).
 */
@WithKafkaWorld
@EnableKubernetesMockClient(crud = true)
class LauncherRecoveryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    KubernetesMockServer server;
    KubernetesClient client;
    /** The launcher's client: no retries of its own, so every fault the mock answers reaches k8sm. */
    private KubernetesClient launcherClient;

    private KafkaWorld world;
    private TopicCatalogue topics;
    private Map<String, Object> settings;
    private Codec codec;
    private KafkaProducer<String, byte[]> producer;
    private final List<LauncherService> launchers = new ArrayList<>();

    @BeforeEach
    void world(KafkaWorld w) throws Exception {
        world = w;
        String prefix = "r" + UUID.randomUUID().toString().substring(0, 8) + ".";
        settings = new HashMap<>();
        settings.put("bootstrap.servers", w.bootstrapServers());
        settings.put("schema.registry.url", w.registryUrl());
        settings.put("topics.prefix", prefix);
        settings.put(LauncherConfig.GROUP_ID, prefix + "launcher");
        settings.put(LauncherConfig.POLL_MS, "100");
        settings.put(LauncherConfig.BIND_BACKOFF_MS, "20");
        settings.put(LauncherConfig.BIND_ATTEMPTS, "3");
        topics = TopicCatalogue.withPrefix(prefix);
        try (Admin admin = w.admin()) {
            admin.createTopics(topics.all((short) 1)).all().get(60, TimeUnit.SECONDS);
        }
        codec = new Codec(Map.of("schema.registry.url", w.registryUrl()));
        producer = new KafkaProducer<>(w.producerProps(), new StringSerializer(), new ByteArraySerializer());
        launcherClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        launchers.forEach(LauncherService::close);
        producer.close();
        codec.close();
        launcherClient.close();
    }

    private LauncherService start() {
        LauncherService l = new LauncherService(launcherClient, LauncherConfig.fromMap(settings));
        launchers.add(l);
        l.start();
        return l;
    }

    private void send(Topic topic, String key, SpecificRecord value) throws Exception {
        String t = topics.name(topic);
        producer.send(new ProducerRecord<>(t, key, codec.encode(t, value))).get(30, TimeUnit.SECONDS);
    }

    /** Reads the whole topic (committed records) until the condition holds, or fails at the deadline. */
    private <T extends SpecificRecord> List<ConsumerRecord<String, T>> await(
            Topic topic, Class<T> type, Predicate<List<ConsumerRecord<String, T>>> done) {
        String t = topics.name(topic);
        List<ConsumerRecord<String, T>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                world.consumerProps("reader-" + UUID.randomUUID()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(t).stream()
                    .map(p -> new TopicPartition(t, p.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Instant deadline = Instant.now().plus(DEADLINE);
            while (!done.test(seen)) {
                if (Instant.now().isAfter(deadline)) {
                    fail("condition on " + t + " not met; read "
                            + seen.stream().map(r -> r.key() + "=" + r.value()).toList());
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    seen.add(new ConsumerRecord<>(
                            t, r.partition(), r.offset(), r.key(), codec.decode(type, t, r.value())));
                }
            }
        }
        return seen;
    }

    private List<LauncherEvent> awaitEvent(String taskId, LauncherEventType type) {
        return await(
                        Topic.LAUNCHER_EVENTS,
                        LauncherEvent.class,
                        l -> l.stream()
                                .anyMatch(r -> r.value().getTaskId().equals(taskId)
                                        && r.value().getType() == type))
                .stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    private static void eventually(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!Boolean.TRUE.equals(condition.get())) {
            if (Instant.now().isAfter(deadline)) {
                fail(what + " did not happen");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private Pod create(Pod p) {
        return client.pods().inNamespace(NS).resource(p).create();
    }

    private Pod get(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    private static boolean tombstoned(List<ConsumerRecord<String, PodSnapshot>> l, String key) {
        return l.stream().anyMatch(r -> r.key().equals(key) && r.value() == null);
    }

    private static boolean written(List<ConsumerRecord<String, PodSnapshot>> l, String key) {
        return l.stream().anyMatch(r -> r.key().equals(key) && r.value() != null);
    }

    /** The binding subresource as a real API server does it: sets the pod's node. */
    private void bindingSetsNodeName(String pod) {
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/" + NS + "/pods/" + pod + "/binding")
                .andReply(201, req -> {
                    String body = req.getBody().readUtf8();
                    String node = client.getKubernetesSerialization()
                            .unmarshal(body, io.fabric8.kubernetes.api.model.Binding.class)
                            .getTarget()
                            .getName();
                    // not on the mock server's event loop: calling back into it from here would block it
                    CompletableFuture.runAsync(() -> setNodeName(pod, node));
                    return body;
                })
                .always();
    }

    private void setNodeName(String pod, String node) {
        for (int i = 0; i < 100; i++) {
            try {
                client.pods().inNamespace(NS).withName(pod).edit(p -> {
                    p.getSpec().setNodeName(node);
                    return p;
                });
                Thread.sleep(100);
                Pod now = get(pod);
                if (now == null || node.equals(now.getSpec().getNodeName())) {
                    return;
                }
            } catch (RuntimeException e) {
                // a conflicting concurrent edit: try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private TaskStatus status(String taskId, TaskState state) {
        return TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setAgentId("agent-1")
                .build();
    }

    private static boolean killed(List<ConsumerRecord<String, MesosCall>> calls, String taskId) {
        return calls.stream()
                .anyMatch(r ->
                        r.value().getCall() instanceof Kill k && k.getTaskId().equals(taskId));
    }

    // ---- issue 10.8: deletions while the launcher is down ----

    @Test
    void aPodDeletedWhileTheLauncherIsDownIsTombstonedWhenItStartsAgain() {
        create(pod("web-1", "uid-1"));
        create(pod("web-2", "uid-2"));
        start();
        await(Topic.PODS, PodSnapshot.class, l -> written(l, NS + "/web-1") && written(l, NS + "/web-2"));
        launchers.remove(0).close();

        client.pods().inNamespace(NS).withName("web-1").delete();
        eventually("pod deleted in the API", () -> get("web-1") == null);
        start();

        var seen = await(Topic.PODS, PodSnapshot.class, l -> tombstoned(l, NS + "/web-1"));
        assertTrue(!tombstoned(seen, NS + "/web-2"), "a pod that still exists keeps its snapshot");
    }

    @Test
    void aPodWhoseTombstoneWasLostBeforeAKillIsTombstonedOnStart() throws Exception {
        // The launcher wrote the snapshot, the pod was deleted, and the tombstone died in the producer
        // buffer with a kill -9: the topic still says the pod lives.
        Pod ghost = pod("ghost", "uid-g");
        send(Topic.PODS, NS + "/ghost", PodSnapshots.from(ghost));
        Pod theirs = pod("theirs", "uid-t");
        theirs.getSpec().setSchedulerName("default-scheduler");
        create(theirs);
        create(pod("alive", "uid-a"));
        start();

        var seen = await(Topic.PODS, PodSnapshot.class, l -> tombstoned(l, NS + "/ghost") && written(l, NS + "/alive"));
        assertTrue(!tombstoned(seen, NS + "/alive"));
        assertTrue(seen.stream().noneMatch(r -> r.key().equals(NS + "/theirs")), "not ours: never written");
    }

    // ---- issue 10.10: brief API errors ----

    @Test
    void aBindingThatMeetsABriefApiOutageBindsThePodAndNeverKillsTheStartingTask() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        // the API server restarts: 12 answers 503 (4 batches of 3 attempts), then it works again
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/" + NS + "/pods/web-1/binding")
                .andReturn(503, "{\"kind\":\"Status\",\"code\":503}")
                .times(12);
        bindingSetsNodeName("web-1");
        start();
        send(Topic.LAUNCH_REQUESTS, "pod.1", request("pod.1", p));
        awaitEvent("pod.1", LauncherEventType.LAUNCHED);
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_STARTING));

        var events = awaitEvent("pod.1", LauncherEventType.BOUND);
        assertTrue(events.stream().noneMatch(e -> e.getType() == LauncherEventType.BIND_FAILED), events.toString());
        eventually(
                "pod bound to host-1 in the API",
                () -> "host-1".equals(get("web-1").getSpec().getNodeName()));
        // a sentinel kill behind the binding: everything before it has been read
        send(
                Topic.MESOS_CALLS,
                "sentinel",
                MesosCall.newBuilder()
                        .setCallId("sentinel")
                        .setCall(new Kill("sentinel", "agent-9"))
                        .build());
        var calls = await(Topic.MESOS_CALLS, MesosCall.class, l -> killed(l, "sentinel"));
        assertTrue(!killed(calls, "pod.1"), "the starting task was not killed");
    }

    @Test
    void aTerminalStatusWhoseWriteFailsOnceStillLeavesThePodFailedAndNotReady() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        bindingSetsNodeName("web-1");
        start();
        send(Topic.LAUNCH_REQUESTS, "pod.1", request("pod.1", p));
        awaitEvent("pod.1", LauncherEventType.LAUNCHED);
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_RUNNING));
        eventually("pod running and ready", () -> {
            Pod now = get("web-1");
            return now.getStatus() != null && "Running".equals(now.getStatus().getPhase()) && ready(now);
        });

        // the status write right after TASK_FAILED meets a 503
        server.expect()
                .patch()
                .withPath("/api/v1/namespaces/" + NS + "/pods/web-1/status")
                .andReturn(503, "{\"kind\":\"Status\",\"code\":503}")
                .once();
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_FAILED));

        eventually("pod Failed and not Ready in the API", () -> {
            Pod now = get("web-1");
            return "Failed".equals(now.getStatus().getPhase()) && !ready(now);
        });
        assertEquals("host-1", get("web-1").getSpec().getNodeName());
    }

    // ---- review D10: the launch index forgets what mesos-calls no longer holds ----

    @Test
    void aTerminalStatusOfATaskOlderThanTheMesosCallsRetentionStillFailsItsPod() throws Exception {
        // A pod launched and bound long ago: its ACCEPT has aged out of mesos-calls (7-day
        // retention), only the pod's launch annotations remember the task.
        Pod p = pod("old-1", "uid-o");
        p.getMetadata().getAnnotations().put(io.k8sm.contract.PodAnnotations.BINDING_HOST, "host-1");
        p.getMetadata().getAnnotations().put(io.k8sm.contract.PodAnnotations.TASK_ID, "pod.old");
        p.getMetadata().getAnnotations().put(io.k8sm.contract.PodAnnotations.SLAVE_ID, "agent-1");
        p.getSpec().setNodeName("host-1");
        create(p);
        client.pods().inNamespace(NS).withName("old-1").editStatus(x -> {
            x.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .endCondition()
                    .build());
            return x;
        });
        start();
        send(Topic.TASK_STATUS, "pod.old", status("pod.old", TaskState.TASK_FAILED));

        eventually("the old task's pod Failed and not Ready in the API", () -> {
            Pod now = get("old-1");
            return "Failed".equals(now.getStatus().getPhase()) && !ready(now);
        });
    }

    private static boolean ready(Pod p) {
        return p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
