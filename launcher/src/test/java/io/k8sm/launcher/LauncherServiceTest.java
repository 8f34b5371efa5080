package io.k8sm.launcher;

import static io.k8sm.launcher.Fixtures.NS;
import static io.k8sm.launcher.Fixtures.pod;
import static io.k8sm.launcher.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8sm.avro.Accept;
import io.k8sm.avro.AgentLost;
import io.k8sm.avro.Attribute;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.Kill;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.PodActionType;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.avro.ValueType;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.launcher.kafka.Codec;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The launcher against a real broker and registry (@WithKafkaWorld) and the fabric8 mock API in
 * CRUD mode.
 */
@WithKafkaWorld
@EnableKubernetesMockClient(crud = true)
class LauncherServiceTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    KubernetesMockServer server;
    KubernetesClient client;
    private KafkaWorld world;
    private TopicCatalogue topics;
    private Map<String, Object> settings;
    private Codec codec;
    private KafkaProducer<String, byte[]> producer;
    private final List<LauncherService> launchers = new ArrayList<>();

    @BeforeEach
    void world(KafkaWorld w) throws Exception {
        world = w;
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        settings = new HashMap<>();
        settings.put("bootstrap.servers", w.bootstrapServers());
        settings.put("schema.registry.url", w.registryUrl());
        settings.put("topics.prefix", prefix);
        settings.put(LauncherConfig.GROUP_ID, prefix + "launcher");
        settings.put(LauncherConfig.POLL_MS, "100");
        settings.put(LauncherConfig.BIND_BACKOFF_MS, "20");
        settings.put(LauncherConfig.BIND_ATTEMPTS, "10");
        topics = TopicCatalogue.withPrefix(prefix);
        try (Admin admin = w.admin()) {
            admin.createTopics(topics.all((short) 1)).all().get(60, TimeUnit.SECONDS);
        }
        codec = new Codec(Map.of("schema.registry.url", w.registryUrl()));
        producer = new KafkaProducer<>(w.producerProps(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        launchers.forEach(LauncherService::close);
        producer.close();
        codec.close();
    }

    private LauncherService start(Map<String, Object> overrides) {
        Map<String, Object> s = new HashMap<>(settings);
        s.putAll(overrides);
        LauncherService l = new LauncherService(client, LauncherConfig.fromMap(s));
        launchers.add(l);
        l.start();
        return l;
    }

    private LauncherService start() {
        return start(Map.of());
    }

    private void send(Topic topic, String key, SpecificRecord value) throws Exception {
        String t = topics.name(topic);
        producer.send(new ProducerRecord<>(t, key, codec.encode(t, value))).get(30, TimeUnit.SECONDS);
    }

    /**
     * Reads the whole topic (committed records) until the condition holds on what was read, or fails
     * at the deadline.
     */
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
                    fail("condition on "
                            + t
                            + " not met; read "
                            + seen.stream().map(ConsumerRecord::value).toList());
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

    /** The binding subresource as a real API server does it: sets the pod's node. */
    private void bindingSetsNodeName(String pod, int status) {
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/" + NS + "/pods/" + pod + "/binding")
                .andReply(status, req -> {
                    String body = req.getBody().readUtf8();
                    String node = client.getKubernetesSerialization()
                            .unmarshal(body, io.fabric8.kubernetes.api.model.Binding.class)
                            .getTarget()
                            .getName();
                    // not on the mock server's event loop: calling back into it from here would block it
                    java.util.concurrent.CompletableFuture.runAsync(() -> setNodeName(pod, node));
                    return body;
                })
                .always();
    }

    /**
     * Sets the pod's node, again if a concurrent edit (the launcher's annotation patch) undid or
     * refused it.
     */
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

    private void launch(String taskId, Pod pod) throws Exception {
        send(Topic.LAUNCH_REQUESTS, taskId, request(taskId, pod));
        awaitEvent(taskId, LauncherEventType.LAUNCHED);
    }

    private TaskStatus status(String taskId, TaskState state) {
        return TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setAgentId("agent-1")
                .build();
    }

    private static long launchesOf(List<ConsumerRecord<String, MesosCall>> calls, String taskId) {
        return calls.stream()
                .filter(r -> r.value().getCall() instanceof Accept)
                .flatMap(r -> ((Accept) r.value().getCall()).getOperations().stream())
                .flatMap(op -> ((io.k8sm.avro.Launch) op).getTasks().stream())
                .filter(t -> t.getTaskId().equals(taskId))
                .count();
    }

    @Test
    void aLaunchRequestBecomesOneAcceptAndLaunchedAndAReplayNeverLaunchesTwice() throws Exception {
        Pod p1 = create(pod("web-1", "uid-1"));
        Pod p2 = create(pod("web-2", "uid-2"));
        Pod p3 = create(pod("web-3", "uid-3"));
        start();
        launch("pod.1", p1);
        send(Topic.LAUNCH_REQUESTS, "pod.1", request("pod.1", p1)); // the replay
        send(
                Topic.LAUNCH_REQUESTS,
                "pod.2",
                request("pod.2", p2, Fixtures.spec("agent-1", "host-1", List.of("offer-2"))));
        awaitEvent("pod.2", LauncherEventType.LAUNCHED); // a sentinel behind it
        var calls = await(Topic.MESOS_CALLS, MesosCall.class, l -> launchesOf(l, "pod.2") == 1);
        assertEquals(1, launchesOf(calls, "pod.1"));
        Accept accept = (Accept) calls.get(0).value().getCall();
        assertEquals(List.of("offer-1"), accept.getOfferIds());

        // A launcher that reads every request again (a new group) still never launches pod.1 twice.
        launchers.remove(0).close();
        start(Map.of(LauncherConfig.GROUP_ID, "again-" + UUID.randomUUID()));
        send(Topic.LAUNCH_REQUESTS, "pod.3", request("pod.3", p3, Fixtures.spec("agent-2", "host-2", List.of("o-9"))));
        calls = await(Topic.MESOS_CALLS, MesosCall.class, l -> launchesOf(l, "pod.3") == 1);
        assertEquals(1, launchesOf(calls, "pod.1"));
        assertEquals(1, launchesOf(calls, "pod.2"));
        var events = awaitEvent("pod.3", LauncherEventType.LAUNCHED);
        assertEquals(
                1, events.stream().filter(e -> e.getTaskId().equals("pod.1")).count());
    }

    @Test
    void aRequestThatCannotBeLaunchedIsRejectedWithItsReason() throws Exception {
        Pod gone = pod("ghost", "uid-g"); // never created in the API
        Pod bad = create(pod("bad", "uid-b"));
        start();
        send(Topic.LAUNCH_REQUESTS, "pod.g", request("pod.g", gone));
        var badRequest = request("pod.b", bad);
        badRequest.getPod().setManifest("{broken");
        send(Topic.LAUNCH_REQUESTS, "pod.b", badRequest);
        var events = awaitEvent("pod.b", LauncherEventType.LAUNCH_REJECTED);
        events = awaitEvent("pod.g", LauncherEventType.LAUNCH_REJECTED);
        assertTrue(events.stream()
                .anyMatch(e -> e.getTaskId().equals("pod.g") && e.getReason().contains("no longer exists")));
        assertTrue(events.stream()
                .anyMatch(e -> e.getTaskId().equals("pod.b") && e.getReason().contains("manifest")));
        assertTrue(launchers.get(0).isHealthy(), "bad input never stops the launcher");
    }

    @Test
    void theFirstStartingBindsThePodToItsBindingHostWithTheAnnotations() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        bindingSetsNodeName("web-1", 201);
        start();
        launch("pod.1", p);
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_STARTING));
        var events = awaitEvent("pod.1", LauncherEventType.BOUND);
        assertEquals(
                "host-1",
                events.stream()
                        .filter(e -> e.getType() == LauncherEventType.BOUND)
                        .findFirst()
                        .orElseThrow()
                        .getHost());
        eventually(
                "pod bound to host-1",
                () -> "host-1".equals(get("web-1").getSpec().getNodeName()));
        Pod bound = get("web-1");
        assertEquals("host-1", bound.getMetadata().getAnnotations().get(PodAnnotations.BINDING_HOST));
        assertEquals("pod.1", bound.getMetadata().getAnnotations().get(PodAnnotations.TASK_ID));
        assertEquals("31000", bound.getMetadata().getAnnotations().get("k8s.mesosphere.io/port_TCP_8080"));
    }

    @Test
    void aConflictForAPodAlreadyBoundToTheSameNodeCountsAsBound() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        bindingSetsNodeName("web-1", 409); // someone bound it to the same node just before us
        start();
        launch("pod.1", p);
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_RUNNING));
        awaitEvent("pod.1", LauncherEventType.BOUND);
        assertEquals("host-1", get("web-1").getSpec().getNodeName());
    }

    @Test
    void aPodGoneBeforeBindingGivesBindFailedAndAKill() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        start();
        launch("pod.1", p);
        client.pods().inNamespace(NS).withName("web-1").delete();
        eventually("pod deleted", () -> get("web-1") == null);
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_STARTING));
        var events = awaitEvent("pod.1", LauncherEventType.BIND_FAILED);
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.getType() == LauncherEventType.BIND_FAILED
                                && e.getReason().contains("gone")),
                events.toString());
        await(
                Topic.MESOS_CALLS,
                MesosCall.class,
                l -> l.stream()
                        .anyMatch(r -> r.value().getCall() instanceof Kill k
                                && k.getTaskId().equals("pod.1")
                                && "agent-1".equals(k.getAgentId())));
    }

    @Test
    void offersMakeNodesWithLabelsTaskStatusBecomesPodStatusAndALostAgentsNodeIsNotReady() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        bindingSetsNodeName("web-1", 201);
        start();
        send(
                Topic.OFFERS,
                "0",
                new OfferEvent(Offer.newBuilder()
                        .setId("offer-1")
                        .setFrameworkId("fw")
                        .setAgentId("agent-1")
                        .setHostname("host-1")
                        .setUrl("http://10.0.0.7:5051/slave(1)")
                        .setAttributes(List.of(
                                Attribute.newBuilder()
                                        .setName("rack")
                                        .setType(ValueType.TEXT)
                                        .setText("r1")
                                        .build(),
                                Attribute.newBuilder()
                                        .setName("gpus")
                                        .setType(ValueType.SCALAR)
                                        .setScalar(2.0)
                                        .build(),
                                Attribute.newBuilder()
                                        .setName("zones")
                                        .setType(ValueType.SET)
                                        .setSet(List.of("a"))
                                        .build()))
                        .build()));
        eventually(
                "node host-1 ready",
                () -> ready(client.nodes().withName("host-1").get()));
        Node node = client.nodes().withName("host-1").get();
        assertEquals("host-1", node.getMetadata().getLabels().get("kubernetes.io/hostname"));
        assertEquals("r1", node.getMetadata().getLabels().get("k8s.mesosphere.io/attribute-rack"));
        assertEquals("2", node.getMetadata().getLabels().get("k8s.mesosphere.io/attribute-gpus"));
        assertTrue(
                node.getMetadata().getLabels().keySet().stream().noneMatch(k -> k.endsWith("zones")),
                "set attributes are not labels");
        await(
                Topic.NODES,
                io.k8sm.avro.NodeSnapshot.class,
                l -> l.stream()
                        .anyMatch(r -> r.value() != null
                                && r.value().getName().equals("host-1")
                                && r.value().getReady()
                                && "agent-1".equals(r.value().getAgentId())));

        launch("pod.1", p);
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_STARTING));
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_RUNNING));
        eventually("pod running and ready", () -> {
            Pod now = get("web-1");
            return now.getStatus() != null
                    && "Running".equals(now.getStatus().getPhase())
                    && "10.0.0.7".equals(now.getStatus().getHostIP())
                    && now.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        });
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_FAILED));
        eventually("pod failed", () -> "Failed".equals(get("web-1").getStatus().getPhase()));

        send(Topic.FRAMEWORK, "k8sm", new FrameworkEvent(new AgentLost("agent-1", null)));
        eventually(
                "node host-1 NotReady",
                () -> !ready(client.nodes().withName("host-1").get()));
    }

    private static boolean taintedUnreachable(Node n) {
        return n != null
                && n.getSpec() != null
                && n.getSpec().getTaints() != null
                && n.getSpec().getTaints().stream()
                        .anyMatch(t -> "node.kubernetes.io/unreachable".equals(t.getKey())
                                && "NoExecute".equals(t.getEffect()));
    }

    private String phase(String pod) {
        Pod now = get(pod);
        return now == null || now.getStatus() == null ? null : now.getStatus().getPhase();
    }

    private OfferEvent offerOfHost1(String id) {
        return new OfferEvent(Offer.newBuilder()
                .setId(id)
                .setFrameworkId("fw")
                .setAgentId("agent-1")
                .setHostname("host-1")
                .setAttributes(List.of())
                .build());
    }

    @Test
    void anUnreachableTaskTaintsItsNodeAndMakesThePodUnknownUntilTheAgentOffersAgain() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        bindingSetsNodeName("web-1", 201);
        start();
        send(Topic.OFFERS, "0", offerOfHost1("offer-1"));
        eventually(
                "node host-1 ready",
                () -> ready(client.nodes().withName("host-1").get()));
        launch("pod.1", p);
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_RUNNING));
        eventually("pod running", () -> "Running".equals(phase("web-1")));

        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_UNREACHABLE));

        // the API's own record: the node tainted as Kubernetes taints a node that stopped reporting
        eventually(
                "node host-1 tainted unreachable",
                () -> taintedUnreachable(client.nodes().withName("host-1").get()));
        eventually("pod Unknown", () -> "Unknown".equals(phase("web-1")));
        assertTrue(!ready(client.nodes().withName("host-1").get()), "an unreachable node is not Ready");
        await(
                Topic.NODES,
                io.k8sm.avro.NodeSnapshot.class,
                l -> l.stream()
                        .anyMatch(r -> r.value() != null
                                && r.value().getTaints().stream()
                                        .anyMatch(t -> "node.kubernetes.io/unreachable".equals(t.getKey()))));

        // the agent is back: its offer clears the taint, and its task's RUNNING the pod's state
        send(Topic.OFFERS, "0", offerOfHost1("offer-2"));
        send(Topic.TASK_STATUS, "pod.1", status("pod.1", TaskState.TASK_RUNNING));
        eventually(
                "taint removed",
                () -> !taintedUnreachable(client.nodes().withName("host-1").get()));
        eventually(
                "node ready again",
                () -> ready(client.nodes().withName("host-1").get()));
        eventually("pod running again", () -> "Running".equals(phase("web-1")));
    }

    private static boolean ready(Node n) {
        return n != null
                && n.getStatus() != null
                && n.getStatus().getConditions() != null
                && n.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Test
    void aDeleteActionDeletesThePod() throws Exception {
        Pod p = create(pod("web-1", "uid-1"));
        start();
        send(
                Topic.POD_ACTIONS,
                NS + "/web-1",
                PodAction.newBuilder()
                        .setPodKey(NS + "/web-1")
                        .setUid(p.getMetadata().getUid())
                        .setAction(PodActionType.DELETE)
                        .setGracePeriodSeconds(0L)
                        .setReason("lost")
                        .build());
        eventually("pod deleted", () -> get("web-1") == null);
    }

    @Test
    void ourPodsAreWrittenToThePodsTopicAndTheirDeletionIsATombstone() throws Exception {
        create(pod("web-1", "uid-1"));
        Pod other = pod("theirs", "uid-x");
        other.getSpec().setSchedulerName("default-scheduler");
        create(other);
        start();
        var seen = await(
                Topic.PODS,
                PodSnapshot.class,
                l -> l.stream().anyMatch(r -> r.key().equals(NS + "/web-1")));
        PodSnapshot s = seen.stream()
                .filter(r -> r.key().equals(NS + "/web-1"))
                .findFirst()
                .orElseThrow()
                .value();
        assertEquals("k8sm", s.getSchedulerName());
        assertEquals(8080, s.getContainers().get(0).getPorts().get(0).getContainerPort());
        assertTrue(s.getManifest().contains("\"web-1\""));
        client.pods().inNamespace(NS).withName("web-1").delete();
        seen = await(
                Topic.PODS,
                PodSnapshot.class,
                l -> l.stream().anyMatch(r -> r.key().equals(NS + "/web-1") && r.value() == null));
        assertTrue(seen.stream().noneMatch(r -> r.key().equals(NS + "/theirs")), "other schedulers' pods are not ours");
    }

    /**
     * Consumer lag for every loop's group on the launcher's /metrics (Micrometer's Kafka client
     * binder), and for the two catch-up readers beside them.
     */
    @Test
    void theMetricsCarryTheConsumerLagOfEveryLoopsGroup() {
        LauncherService l = start();
        LauncherConfig c = LauncherConfig.fromMap(settings);
        String lag = String.join(
                "\n",
                l.metrics()
                        .scrape()
                        .lines()
                        .filter(line -> line.startsWith("kafka_consumer_fetch_manager_records_lag_max{"))
                        .toList());
        for (String group : List.of(c.launchGroup(), c.bridgeGroup(), c.nodesGroup(), c.eventsGroup())) {
            assertTrue(
                    Pattern.compile("client_id=\"consumer-" + Pattern.quote(group) + "-\\d+\"")
                            .matcher(lag)
                            .find(),
                    "the lag of group " + group + " in\n" + lag);
        }
        Matcher clients = Pattern.compile("client_id=\"([^\"]+)\"").matcher(lag);
        java.util.Set<String> ids = new java.util.HashSet<>();
        while (clients.find()) {
            ids.add(clients.group(1));
        }
        assertEquals(6, ids.size(), "four loops and two catch-up readers: " + ids);
    }
}
