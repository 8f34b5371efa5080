package io.k8sm.launcher;

import static io.k8sm.launcher.Fixtures.NS;
import static io.k8sm.launcher.Fixtures.pod;
import static io.k8sm.launcher.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8sm.avro.Accept;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.PodActionType;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.contract.NodeLabels;
import io.k8sm.contract.NodeNames;
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
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 * The launcher under faults (issue 10.1, 10.3, review C1). Each test checks its invariant from the
 * other side's own record: what {@code mesos-calls} holds (what offer-ingest executes in Mesos) and
 * what the Kubernetes API mock holds.
 */
@WithKafkaWorld
@EnableKubernetesMockClient(crud = true)
class LauncherFaultTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String FORBIDDEN = "forbidden";

    KubernetesMockServer server;
    KubernetesClient client;
    private KafkaWorld world;
    private TopicCatalogue topics;
    private Map<String, Object> settings;
    private Codec codec;
    private KafkaProducer<String, byte[]> producer;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void world(KafkaWorld w) throws Exception {
        world = w;
        String prefix = "f" + UUID.randomUUID().toString().substring(0, 8) + ".";
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
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        producer.close();
        codec.close();
    }

    private LauncherService start(Map<String, Object> overrides) {
        Map<String, Object> s = new HashMap<>(settings);
        s.putAll(overrides);
        LauncherService l = new LauncherService(client, LauncherConfig.fromMap(s));
        open.add(l);
        l.start();
        return l;
    }

    private void send(Topic topic, String key, SpecificRecord value) throws Exception {
        String t = topics.name(topic);
        producer.send(new ProducerRecord<>(t, key, codec.encode(t, value))).get(30, TimeUnit.SECONDS);
    }

    private <T extends SpecificRecord> List<T> await(Topic topic, Class<T> type, Predicate<List<T>> done) {
        String t = topics.name(topic);
        List<T> seen = new ArrayList<>();
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
                    fail("condition on " + t + " not met; read " + seen);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    seen.add(codec.decode(type, t, r.value()));
                }
            }
        }
        return seen;
    }

    private List<LauncherEvent> awaitEvent(String taskId, LauncherEventType type) {
        return await(
                Topic.LAUNCHER_EVENTS,
                LauncherEvent.class,
                l -> l.stream().anyMatch(e -> e.getTaskId().equals(taskId) && e.getType() == type));
    }

    private static long launchesOf(List<MesosCall> calls, String taskId) {
        return calls.stream()
                .filter(c -> c.getCall() instanceof Accept)
                .flatMap(c -> ((Accept) c.getCall()).getOperations().stream())
                .flatMap(op -> ((io.k8sm.avro.Launch) op).getTasks().stream())
                .filter(t -> t.getTaskId().equals(taskId))
                .count();
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
        return client.pods()
                .inNamespace(p.getMetadata().getNamespace())
                .resource(p)
                .create();
    }

    private Pod get(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    /** The service account may not read or delete pods in namespace {@value #FORBIDDEN}. */
    private void forbidNamespace() {
        String status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                + "\"message\":\"pods is forbidden in namespace forbidden\",\"code\":403}";
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/" + FORBIDDEN + "/pods/x")
                .andReturn(403, status)
                .always();
        server.expect()
                .delete()
                .withPath("/api/v1/namespaces/" + FORBIDDEN + "/pods/x")
                .andReturn(403, status)
                .always();
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
                    java.util.concurrent.CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 100; i++) {
                            try {
                                client.pods().inNamespace(NS).withName(pod).edit(p -> {
                                    p.getSpec().setNodeName(node);
                                    return p;
                                });
                                Thread.sleep(100);
                                if (node.equals(get(pod).getSpec().getNodeName())) {
                                    return;
                                }
                            } catch (RuntimeException e) {
                                // a concurrent edit: again
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    return body;
                })
                .always();
    }

    @Test
    void aPodInAForbiddenNamespaceIsRejectedWithTheReasonAndTheRestOfTheBatchLaunches() throws Exception {
        forbidNamespace();
        Pod ok = create(pod("web-1", "uid-1"));
        Pod denied = pod("x", "uid-x");
        denied.getMetadata().setNamespace(FORBIDDEN);
        start(Map.of());
        var deniedRequest = request("pod.x", denied);
        deniedRequest.getPod().setNamespace(FORBIDDEN);
        send(Topic.LAUNCH_REQUESTS, "pod.x", deniedRequest);
        send(Topic.LAUNCH_REQUESTS, "pod.1", request("pod.1", ok, Fixtures.spec("agent-1", "host-1", List.of("o-1"))));
        var events = awaitEvent("pod.1", LauncherEventType.LAUNCHED);
        events = awaitEvent("pod.x", LauncherEventType.LAUNCH_REJECTED);
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.getTaskId().equals("pod.x")
                                && e.getType() == LauncherEventType.LAUNCH_REJECTED
                                && e.getReason().contains("403")),
                events.toString());
        var calls = await(Topic.MESOS_CALLS, MesosCall.class, l -> launchesOf(l, "pod.1") == 1);
        assertEquals(0, launchesOf(calls, "pod.x"), "nothing launched for a pod we may not read");
    }

    @Test
    void anAgentNamedAgent07ExampleComWithATrailingDotGetsAValidNodeAndItsPodIsBoundThere() throws Exception {
        String host = "Agent_07.EXAMPLE.com.";
        // what a real API server answers for a node of that name: 422 (the mock would accept it)
        server.expect()
                .get()
                .withPath("/api/v1/nodes/" + host)
                .andReturn(422, "{\"kind\":\"Status\",\"code\":422,\"reason\":\"Invalid\"}")
                .always();
        forbidNamespace();
        Pod p = create(pod("web-1", "uid-1"));
        bindingSetsNodeName("web-1");
        start(Map.of());
        send(
                Topic.OFFERS,
                "0",
                new OfferEvent(Offer.newBuilder()
                        .setId("o-7")
                        .setFrameworkId("fw")
                        .setAgentId("agent-7")
                        .setHostname(host)
                        .setUrl("http://10.0.0.7:5051/slave(1)")
                        .setAttributes(List.of())
                        .build()));
        // a DELETE we may not do, in the same stream: answered on its own, the rest flows on
        send(
                Topic.POD_ACTIONS,
                FORBIDDEN + "/x",
                PodAction.newBuilder()
                        .setPodKey(FORBIDDEN + "/x")
                        .setUid("uid-x")
                        .setAction(PodActionType.DELETE)
                        .setGracePeriodSeconds(0L)
                        .setReason("lost")
                        .build());
        send(Topic.LAUNCH_REQUESTS, "pod.1", request("pod.1", p, Fixtures.spec("agent-7", host, List.of("o-7"))));
        awaitEvent("pod.1", LauncherEventType.LAUNCHED);
        send(
                Topic.TASK_STATUS,
                "pod.1",
                TaskStatus.newBuilder()
                        .setTaskId("pod.1")
                        .setState(TaskState.TASK_STARTING)
                        .setAgentId("agent-7")
                        .build());
        awaitEvent("pod.1", LauncherEventType.BOUND);

        String nodeName = NodeNames.toNodeName(host);
        assertTrue(NodeNames.isValidNodeName(nodeName), nodeName);
        assertEquals(host, NodeNames.toHostname(nodeName), "the mapping is reversible");
        eventually(
                "node " + nodeName + " registered",
                () -> client.nodes().withName(nodeName).get() != null);
        Node node = client.nodes().withName(nodeName).get();
        assertEquals(host, node.getMetadata().getAnnotations().get(NodeLabels.MESOS_HOSTNAME));
        eventually(
                "pod bound to the node's name",
                () -> nodeName.equals(get("web-1").getSpec().getNodeName()));
        assertEquals(1, client.nodes().list().getItems().size(), "one node, of a valid name");
    }

    @Test
    void aLauncherKilledMidTransactionIsFencedByItsRestartWithTheDefaultInstanceId() throws Exception {
        // the default group, so the transactional id is the one a restarted launcher on this host uses
        Map<String, Object> defaults = new HashMap<>(settings);
        defaults.remove(LauncherConfig.GROUP_ID);
        String instance = LauncherConfig.fromMap(defaults).instanceId();
        Properties p = world.producerProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "k8sm-launcher-launch-" + instance);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000"); // the broker would wait 15 minutes
        KafkaProducer<String, byte[]> dead = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        dead.initTransactions();
        dead.beginTransaction();
        dead.send(new ProducerRecord<>(topics.name(Topic.LAUNCHER_EVENTS), "pod.0", new byte[] {0}))
                .get(30, TimeUnit.SECONDS);
        dead.send(new ProducerRecord<>(topics.name(Topic.MESOS_CALLS), "launch/pod.0", new byte[] {0}))
                .get(30, TimeUnit.SECONDS);
        // killed here: no commit, no abort (the producer is abandoned, closed at the end only)
        open.add(() -> dead.close(Duration.ZERO));

        Pod pod = create(pod("web-1", "uid-1"));
        Map<String, Object> restart = new HashMap<>();
        restart.put(LauncherConfig.GROUP_ID, "k8sm-launcher");
        start(restart);
        send(Topic.LAUNCH_REQUESTS, "pod.1", request("pod.1", pod));
        awaitEvent("pod.1", LauncherEventType.LAUNCHED);
        var calls = await(Topic.MESOS_CALLS, MesosCall.class, l -> launchesOf(l, "pod.1") == 1);
        assertEquals(1, launchesOf(calls, "pod.1"));
    }

    @Test
    void aNodeApiOutageHoldsBackNeitherTheBindingNorThePodStatusOfARunningTask() throws Exception {
        // every node call fails as an API server that cannot write nodes answers: 503, for good
        String unavailable = "{\"kind\":\"Status\",\"code\":503,\"reason\":\"ServiceUnavailable\"}";
        server.expect()
                .get()
                .withPath("/api/v1/nodes/host-1")
                .andReturn(503, unavailable)
                .always();
        server.expect()
                .post()
                .withPath("/api/v1/nodes")
                .andReturn(503, unavailable)
                .always();
        Pod p = create(pod("web-1", "uid-1"));
        bindingSetsNodeName("web-1");
        KubernetesClient noRetries = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
        open.add(noRetries);
        LauncherService launcher = new LauncherService(noRetries, LauncherConfig.fromMap(settings));
        open.add(launcher);
        launcher.start();
        send(
                Topic.OFFERS,
                "0",
                new OfferEvent(Offer.newBuilder()
                        .setId("o-1")
                        .setFrameworkId("fw")
                        .setAgentId("agent-1")
                        .setHostname("host-1")
                        .setAttributes(List.of())
                        .build()));
        send(Topic.LAUNCH_REQUESTS, "pod.1", request("pod.1", p, Fixtures.spec("agent-1", "host-1", List.of("o-1"))));
        awaitEvent("pod.1", LauncherEventType.LAUNCHED);
        send(
                Topic.TASK_STATUS,
                "pod.1",
                TaskStatus.newBuilder()
                        .setTaskId("pod.1")
                        .setState(TaskState.TASK_RUNNING)
                        .setAgentId("agent-1")
                        .build());

        // the API's own record: the pod is bound and Running though its node could not be written
        eventually(
                "pod bound to host-1",
                () -> "host-1".equals(get("web-1").getSpec().getNodeName()));
        eventually(
                "pod Running",
                () -> get("web-1").getStatus() != null
                        && "Running".equals(get("web-1").getStatus().getPhase()));
        assertTrue(launcher.isHealthy(), "the node outage is retried, it does not end a loop");
    }
}
