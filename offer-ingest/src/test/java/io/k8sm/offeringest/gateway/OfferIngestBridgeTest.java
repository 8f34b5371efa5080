package io.k8sm.offeringest.gateway;

import static io.k8sm.offeringest.gateway.TopicReader.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Accept;
import io.k8sm.avro.AgentLost;
import io.k8sm.avro.CallRejected;
import io.k8sm.avro.ClockTick;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.Decline;
import io.k8sm.avro.Disconnected;
import io.k8sm.avro.ExecutorSpec;
import io.k8sm.avro.ExecutorType;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.FrameworkId;
import io.k8sm.avro.Kill;
import io.k8sm.avro.Launch;
import io.k8sm.avro.LaunchGroup;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.MesosError;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.OfferRescinded;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.ReconcileTask;
import io.k8sm.avro.Resource;
import io.k8sm.avro.Revive;
import io.k8sm.avro.Subscribed;
import io.k8sm.avro.Suppress;
import io.k8sm.avro.TaskLaunch;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.avro.ValueType;
import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.offeringest.OfferIngestService;
import io.k8sm.offeringest.mesos.MesosCallException;
import io.k8sm.offeringest.mesos.MesosClientConfig;
import io.k8sm.offeringest.mesos.MesosEventListener;
import io.k8sm.offeringest.mesos.MesosSchedulerClient;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.sandbox.mesos.MesosMasterSimulator;
import io.k8sm.sandbox.mesos.SimulatedAgent;
import io.k8sm.sandbox.mesos.SubscriptionLog;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The bridge against a real broker and registry and the Mesos master simulator. */
@WithKafkaWorld
class OfferIngestBridgeTest {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private KafkaWorld world;
    private String prefix;
    private TopicCatalogue topics;
    private SchemaRegistryClient registry;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private KafkaProducer<String, MesosCall> callWriter;
    private String frameworkName;

    @BeforeEach
    void setUp(KafkaWorld world, TestInfo info) throws Exception {
        this.world = world;
        this.prefix = "oi" + SEQ.incrementAndGet() + ".";
        this.frameworkName = "k8sm-" + info.getTestMethod().orElseThrow().getName();
        this.topics = TopicCatalogue.builder().prefix(prefix).build();
        try (Admin admin = world.admin()) {
            admin.createTopics(topics.all((short) 1)).all().get();
        }
        registry = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", world.registryUrl()));
        toClose.add(registry);
        var pp = world.producerProps();
        callWriter = new KafkaProducer<>(pp, new StringSerializer(), new AvroSerializer<>(registry));
        toClose.add(callWriter);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    // ------------------------------------------------------------------ harness

    private MesosMasterSimulator sim(Consumer<MesosMasterSimulator.Builder> tweak) throws Exception {
        MesosMasterSimulator.Builder b = MesosMasterSimulator.builder()
                .allocationInterval(Duration.ofMillis(100))
                .heartbeatInterval(Duration.ofMillis(300))
                .statusUpdateRetryInterval(Duration.ofMillis(150))
                .taskLifecycle(Duration.ofMillis(50), Duration.ofMillis(100));
        tweak.accept(b);
        MesosMasterSimulator s = b.start();
        toClose.add(s);
        return s;
    }

    private MesosMasterSimulator sim() throws Exception {
        return sim(b -> b.agents(2));
    }

    private OfferIngestConfig config(MesosMasterSimulator sim) {
        return OfferIngestConfig.fromMap(settings(sim));
    }

    private Map<String, Object> settings(MesosMasterSimulator sim) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", world.bootstrapServers());
        m.put("schema.registry.url", world.registryUrl());
        m.put("topics.prefix", prefix);
        m.put(OfferIngestConfig.MASTER, sim.schedulerUri().toString());
        m.put(OfferIngestConfig.FRAMEWORK_NAME, frameworkName);
        m.put(OfferIngestConfig.BACKOFF_INITIAL, "20");
        m.put(OfferIngestConfig.BACKOFF_MAX, "200");
        m.put(OfferIngestConfig.CALLS_GROUP, "calls-" + prefix);
        m.put(OfferIngestConfig.CALLS_POLL, "100");
        return m;
    }

    private OfferIngestService gateway(MesosMasterSimulator sim) {
        return gateway(OfferIngestService.builder(config(sim)));
    }

    private OfferIngestService gateway(OfferIngestService.Builder b) {
        OfferIngestService g = b.build();
        toClose.add(g);
        g.start();
        await("subscribed", g.client()::isSubscribed);
        return g;
    }

    private <T extends org.apache.avro.specific.SpecificRecord> TopicReader<T> reader(Topic t, Class<T> type) {
        TopicReader<T> r =
                new TopicReader<>(world.bootstrapServers(), registry, topics.name(t), type, topics.partitions(t));
        toClose.add(r);
        return r;
    }

    private void call(MesosCall call) throws Exception {
        callWriter
                .send(new ProducerRecord<>(topics.name(Topic.MESOS_CALLS), call.getCallId(), call))
                .get();
    }

    private static MesosCall call(String id, Object body) {
        return MesosCall.newBuilder().setCallId(id).setCall(body).build();
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder()
                .setName(name)
                .setType(ValueType.SCALAR)
                .setScalar(v)
                .build();
    }

    private static TaskLaunch task(String id, Offer offer, ExecutorSpec executor) {
        return TaskLaunch.newBuilder()
                .setTaskId(id)
                .setName(id + ".default.pod")
                .setAgentId(offer.getAgentId())
                .setResources(List.of(scalar("cpus", 0.5), scalar("mem", 128)))
                .setExecutor(executor)
                .setData(ByteBuffer.wrap("pod".getBytes(StandardCharsets.UTF_8)))
                .setLabels(Map.of("k8s.mesosphere.io/pod", "default/" + id))
                .build();
    }

    private static ExecutorSpec executor(String id) {
        return ExecutorSpec.newBuilder()
                .setExecutorId(id)
                .setType(ExecutorType.CUSTOM)
                .setResources(List.of(scalar("cpus", 0.25), scalar("mem", 64)))
                .build();
    }

    private static Offer offerOf(OfferEvent e) {
        return e.getEvent() instanceof Offer o ? o : null;
    }

    private Offer awaitOffer(TopicReader<OfferEvent> offers, String agentId) {
        return offerOf(offers.awaitValue(
                        "an offer of " + agentId,
                        e -> e.getEvent() instanceof Offer o && o.getAgentId().equals(agentId))
                .value());
    }

    private static boolean status(TaskStatus s, String taskId, TaskState state) {
        return s.getTaskId().equals(taskId) && s.getState() == state;
    }

    /** Launches one task on agent-1 through the mesos-calls topic and waits until it runs. */
    private Offer launchOne(TopicReader<OfferEvent> offers, TopicReader<TaskStatus> statuses, String taskId)
            throws Exception {
        Offer offer = awaitOffer(offers, "agent-1");
        call(call(
                "launch-" + taskId,
                new Accept(
                        List.of(offer.getId()),
                        List.of(new Launch(List.of(task(taskId, offer, executor("exec-" + taskId))))),
                        null)));
        statuses.awaitValue(taskId + " RUNNING", s -> status(s, taskId, TaskState.TASK_RUNNING));
        return offer;
    }

    private long committedOffset(String group) {
        try (Admin admin = world.admin()) {
            var offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            var md = offsets.get(new org.apache.kafka.common.TopicPartition(topics.name(Topic.MESOS_CALLS), 0));
            return md == null ? -1 : md.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ events → topics

    @Test
    void offersAreWrittenOnePerOfferWithEveryResourceRolePortRangeAndAttributeKeyedByShard() throws Exception {
        MesosMasterSimulator sim = sim(b -> b.agent(new SimulatedAgent(
                "a-1",
                "host-a",
                3,
                2048,
                5000,
                List.of(new SimulatedAgent.PortRange(31000, 31009), new SimulatedAgent.PortRange(32000, 32009)),
                Map.of("rack", "r1", "gen", "3"),
                List.of("*"))));
        gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        var rec = offers.awaitValue("an offer", e -> e.getEvent() instanceof Offer);
        assertEquals("0", rec.key(), "offers are keyed by the scheduling shard");
        Offer o = offerOf(rec.value());
        assertEquals("a-1", o.getAgentId());
        assertEquals("host-a", o.getHostname());
        assertEquals(sim.frameworkId().orElseThrow(), o.getFrameworkId());
        Map<String, Resource> byName = new HashMap<>();
        o.getResources().forEach(r -> byName.put(r.getName(), r));
        assertEquals(3.0, byName.get("cpus").getScalar());
        assertEquals(2048.0, byName.get("mem").getScalar());
        assertEquals(5000.0, byName.get("disk").getScalar());
        Resource ports = byName.get("ports");
        assertEquals(ValueType.RANGES, ports.getType());
        assertEquals(
                List.of(31000L, 32000L),
                ports.getRanges().stream().map(r -> r.getBegin()).toList());
        assertEquals(
                List.of(31009L, 32009L),
                ports.getRanges().stream().map(r -> r.getEnd()).toList());
        o.getResources().forEach(r -> assertEquals("*", r.getRole(), "unreserved resources have role *"));
        Map<String, io.k8sm.avro.Attribute> attrs = new HashMap<>();
        o.getAttributes().forEach(a -> attrs.put(a.getName(), a));
        assertEquals("r1", attrs.get("rack").getText());
        assertEquals(3.0, attrs.get("gen").getScalar());
    }

    @Test
    void executorIdsOfRunningExecutorsAreInTheOffer() throws Exception {
        MesosMasterSimulator sim = sim(b -> b.agents(1));
        gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        Offer first = launchOne(offers, statuses, "pod.exec");
        sim.allocateNow();
        Offer next = offerOf(offers.awaitValue(
                        "a later offer with our executor",
                        e -> e.getEvent() instanceof Offer o
                                && !o.getId().equals(first.getId())
                                && o.getExecutorIds().contains("exec-pod.exec"))
                .value());
        assertEquals("agent-1", next.getAgentId());
    }

    @Test
    void theGatewayTicksTheClockAtItsPeriodKeyedByItsSource() throws Exception {
        MesosMasterSimulator sim = sim();
        Map<String, Object> m = settings(sim);
        m.put(OfferIngestConfig.CLOCK_TICK, "50");
        gateway(OfferIngestService.builder(OfferIngestConfig.fromMap(m)));
        TopicReader<ClockTick> clock = reader(Topic.CLOCK, ClockTick.class);
        var first = clock.awaitValue("a tick", t -> true);
        var later = clock.awaitValue(
                "a later tick", t -> t.getTimestamp().isAfter(first.value().getTimestamp()));
        assertEquals("offer-ingest:" + frameworkName, first.key());
        assertEquals("offer-ingest:" + frameworkName, later.value().getSource());
    }

    @Test
    void rescindIsWrittenToTheOffersTopic() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        Offer o = awaitOffer(offers, "agent-1");
        sim.rescindAll();
        var rec = offers.awaitValue(
                "the rescind of " + o.getId(),
                e -> e.getEvent() instanceof OfferRescinded r && r.getOfferId().equals(o.getId()));
        assertEquals("0", rec.key());
    }

    @Test
    void roundTripOfferToLaunchCallToRunningTaskToStatusRecords() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        launchOne(offers, statuses, "pod.round-trip");
        var starting = statuses.awaitValue("STARTING", s -> status(s, "pod.round-trip", TaskState.TASK_STARTING));
        assertEquals("pod.round-trip", starting.key(), "task-status is keyed by task id");
        assertNotNull(starting.value().getUuid(), "an agent's update carries its uuid");
        assertEquals("agent-1", starting.value().getAgentId());
        assertEquals(
                Protos.TaskState.TASK_RUNNING, sim.tasks().get("pod.round-trip").state());
        assertEquals(1, sim.launchedCount());
        await(
                "every update acknowledged",
                () -> sim.tasks().get("pod.round-trip").unacknowledgedUpdates() == 0);
        assertTrue(g.events().acknowledgementsSent() >= 2);
    }

    @Test
    void updateWhoseKafkaWriteFailsIsNotAcknowledgedAndLandsWhenMesosSendsItAgain() throws Exception {
        MesosMasterSimulator sim = sim(b -> b.agents(1).emitStagingUpdate(false));
        FailingProducer failing = new FailingProducer(topics.name(Topic.TASK_STATUS), 1);
        OfferIngestService g = gateway(OfferIngestService.builder(config(sim)).producer(failing::wrap));
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        launchOne(offers, statuses, "pod.crash");
        assertEquals(1, failing.failed.get(), "the first update's write failed");
        // The first update is STARTING; had it been acknowledged before the write, Mesos would have
        // moved on
        // and STARTING would never reach Kafka.
        statuses.awaitValue("STARTING after redelivery", s -> status(s, "pod.crash", TaskState.TASK_STARTING));
        List<TaskState> order = statuses.valuesSeen().stream()
                .filter(s -> s.getTaskId().equals("pod.crash"))
                .map(TaskStatus::getState)
                .toList();
        assertEquals(TaskState.TASK_STARTING, order.get(0), "no update lost or reordered: " + order);
        assertTrue(g.events().writeFailures() >= 1);
    }

    @Test
    void lostAcknowledgementMeansTheUpdateIsRedeliveredAndWrittenTwiceNeverLost() throws Exception {
        MesosMasterSimulator sim = sim(b -> b.agents(1).emitStagingUpdate(false));
        AtomicInteger dropped = new AtomicInteger();
        gateway(OfferIngestService.builder(config(sim)).acknowledger(client -> s -> {
            if (s.getState() == Protos.TaskState.TASK_STARTING && dropped.getAndIncrement() == 0) {
                throw new MesosCallException(Call.Type.ACKNOWLEDGE, -1, "injected: connection reset", null);
            }
            return client.acknowledge(s);
        }));
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        launchOne(offers, statuses, "pod.dup");
        List<TaskStatus> starting = statuses.valuesSeen().stream()
                .filter(s -> status(s, "pod.dup", TaskState.TASK_STARTING))
                .toList();
        assertTrue(starting.size() >= 2, "the unacknowledged STARTING was sent and written again: " + starting);
        assertTrue(
                starting.stream()
                        .allMatch(s -> s.getUuid().equals(starting.get(0).getUuid())),
                "the same update (same uuid)");
    }

    @Test
    void masterGeneratedUpdatesWithoutUuidAreWrittenButNotAcknowledged() throws Exception {
        MesosMasterSimulator sim = sim();
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        gateway(OfferIngestService.builder(config(sim)).acknowledger(client -> s -> {
            asked.add(s.getTaskId().getValue() + "/" + s.getState());
            return client.acknowledge(s);
        }));
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        call(call("reconcile-unknown", new Reconcile(List.of(new ReconcileTask("pod.ghost", null)))));
        TaskStatus lost = statuses.awaitValue(
                        "UNKNOWN of the unknown task", s -> status(s, "pod.ghost", TaskState.TASK_UNKNOWN))
                .value();
        assertNull(lost.getUuid());
        assertEquals("REASON_RECONCILIATION", lost.getReason());
        // a later, acknowledged update proves the acknowledger ran after the reconciliation answer
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        launchOne(offers, statuses, "pod.after");
        await("the launched task's updates acknowledged", () -> asked.contains("pod.after/TASK_RUNNING"));
        assertFalse(asked.stream().anyMatch(a -> a.startsWith("pod.ghost/")), "asked to acknowledge " + asked);
    }

    @Test
    void subscribedAndTheFrameworkIdAreWrittenAndAgentLossIsAFrameworkEvent() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<FrameworkEvent> framework = reader(Topic.FRAMEWORK, FrameworkEvent.class);
        TopicReader<FrameworkId> ids = reader(Topic.FRAMEWORK_ID, FrameworkId.class);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        String fid = sim.frameworkId().orElseThrow();
        var sub = framework.awaitValue("Subscribed", e -> e.getEvent() instanceof Subscribed);
        assertEquals(frameworkName, sub.key());
        assertEquals(fid, ((Subscribed) sub.value().getEvent()).getFrameworkId());
        var id = ids.awaitValue("the framework id", v -> true);
        assertEquals(frameworkName, id.key());
        assertEquals(fid, id.value().getFrameworkId());
        awaitOffer(offers, "agent-2");
        sim.loseAgent("agent-2");
        AgentLost lost = (AgentLost) framework
                .awaitValue("AgentLost", e -> e.getEvent() instanceof AgentLost)
                .value()
                .getEvent();
        assertEquals("agent-2", lost.getAgentId());
        assertEquals("host-2", lost.getHostname(), "the hostname learnt from the agent's offers");
    }

    @Test
    void droppedStreamIsADisconnectAndTheGatewayResubscribesWithTheSameFrameworkId() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        TopicReader<FrameworkEvent> framework = reader(Topic.FRAMEWORK, FrameworkEvent.class);
        String fid = sim.frameworkId().orElseThrow();
        sim.dropStream();
        framework.awaitValue("Disconnected", e -> e.getEvent() instanceof Disconnected);
        await("resubscribed", () -> sim.subscriptionCount() == 2 && g.client().isSubscribed());
        assertEquals(fid, sim.frameworkId().orElseThrow());
        framework.await(
                "a second Subscribed with the same id",
                r -> framework.seen().stream()
                                .filter(x -> x.value().getEvent() instanceof Subscribed s
                                        && s.getFrameworkId().equals(fid))
                                .count()
                        >= 2);
    }

    @Test
    void restartedGatewayReadsTheFrameworkIdFromTheCompactedTopicAndFailsOverKeepingTasks() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService first = gateway(sim);
        assertEquals(Optional.empty(), first.storedFrameworkId());
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        launchOne(offers, statuses, "pod.survivor");
        String fid = sim.frameworkId().orElseThrow();
        reader(Topic.FRAMEWORK_ID, FrameworkId.class)
                .awaitValue("the stored id", v -> v.getFrameworkId().equals(fid));
        first.close();

        OfferIngestService second = gateway(sim);
        assertEquals(Optional.of(fid), second.storedFrameworkId());
        assertEquals(fid, sim.frameworkId().orElseThrow(), "same framework: a failover, not a new registration");
        assertEquals(
                Protos.TaskState.TASK_RUNNING, sim.tasks().get("pod.survivor").state(), "its task survived");
    }

    @Test
    void errorEventIsWrittenAsMesosError() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<FrameworkEvent> framework = reader(Topic.FRAMEWORK, FrameworkEvent.class);
        String fid = sim.frameworkId().orElseThrow();
        // another scheduler takes the framework over: the master sends ERROR to the old subscription
        MesosSchedulerClient other =
                new MesosSchedulerClient(
                        MesosClientConfig.builder(MesosClientConfig.frameworkInfo(
                                                frameworkName, List.of("*"), Duration.ofDays(1), Optional.empty())
                                        .toBuilder()
                                        .setId(Protos.FrameworkID.newBuilder().setValue(fid))
                                        .build())
                                .master(sim.schedulerUri())
                                .build(),
                        new MesosEventListener() {});
        toClose.add(other);
        other.start();
        MesosError error = (MesosError) framework
                .awaitValue("MesosError", e -> e.getEvent() instanceof MesosError)
                .value()
                .getEvent();
        assertTrue(error.getMessage().contains("failed over"), error.getMessage());
    }

    @Test
    void badInputFromMesosIsDeadLetteredAndTheSubscriptionKept() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        TopicReader<DeadLetter> dead = reader(Topic.DEAD_LETTERS, DeadLetter.class);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        awaitOffer(offers, "agent-1");
        byte[] garbage = {(byte) 0xff, 0x01, 0x02, 0x03, 0x7f};
        sim.sendRecord(garbage);
        DeadLetter letter = dead.awaitValue("the dead letter", d -> true).value();
        assertEquals(ByteBuffer.wrap(garbage), letter.getValue());
        assertTrue(letter.getSourceTopic().startsWith("mesos:"), letter.getSourceTopic());
        assertEquals(EventPublisher.MesosBadInputException.class.getName(), letter.getExceptionClass());
        assertEquals(1, sim.subscriptionCount(), "the subscription was kept");
        assertTrue(g.client().isSubscribed());
        // and events still flow
        sim.rescindAll();
        offers.awaitValue("a rescind after the bad input", e -> e.getEvent() instanceof OfferRescinded);
    }

    @Test
    void malformedFrameIsDeadLetteredAndTheGatewayResubscribes() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        TopicReader<DeadLetter> dead = reader(Topic.DEAD_LETTERS, DeadLetter.class);
        sim.sendRaw("12x\n".getBytes(StandardCharsets.US_ASCII));
        DeadLetter letter = dead.awaitValue("the malformed frame", d -> true).value();
        assertTrue(
                letter.getReason().toLowerCase().contains("record")
                        || letter.getReason().contains("frame"),
                letter.getReason());
        await("resubscribed", () -> sim.subscriptionCount() == 2 && g.client().isSubscribed());
    }

    // ------------------------------------------------------------------ calls ← mesos-calls

    @Test
    void launchGroupRunsItsTasksUnderTheDefaultExecutor() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        Offer offer = awaitOffer(offers, "agent-2");
        ExecutorSpec exec = executor("group-exec");
        call(call(
                "group-1",
                new Accept(
                        List.of(offer.getId()),
                        List.of(new LaunchGroup(
                                exec, List.of(task("pod.g1", offer, null), task("pod.g2", offer, null)))),
                        null)));
        statuses.awaitValue("g1 RUNNING", s -> status(s, "pod.g1", TaskState.TASK_RUNNING));
        statuses.awaitValue("g2 RUNNING", s -> status(s, "pod.g2", TaskState.TASK_RUNNING));
        assertEquals("group-exec", sim.tasks().get("pod.g1").executorId());
        assertEquals("agent-2", sim.tasks().get("pod.g2").agentId());
    }

    @Test
    void replayedAcceptIsRefusedByMesosAndLaunchesNothingTwice() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        Offer offer = awaitOffer(offers, "agent-1");
        MesosCall accept = call(
                "launch-once",
                new Accept(
                        List.of(offer.getId()),
                        List.of(new Launch(List.of(task("pod.once", offer, executor("e-once"))))),
                        null));
        call(accept);
        statuses.awaitValue("RUNNING", s -> status(s, "pod.once", TaskState.TASK_RUNNING));
        call(accept); // the same record again, as after a crash before the offset commit
        TaskStatus refused = statuses.awaitValue(
                        "the replay refused",
                        s -> status(s, "pod.once", TaskState.TASK_DROPPED)
                                && "REASON_INVALID_OFFERS".equals(s.getReason()))
                .value();
        assertNull(refused.getUuid());
        assertEquals(1, sim.launchedCount(), "launched once");
        assertEquals(Protos.TaskState.TASK_RUNNING, sim.tasks().get("pod.once").state());
    }

    @Test
    void declineWithFilterKeepsTheAgentBackWhileAnotherIsOfferedAgain() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        Offer o1 = awaitOffer(offers, "agent-1");
        Offer o2 = awaitOffer(offers, "agent-2");
        call(call("decline-1", new Decline(List.of(o1.getId()), 3600.0)));
        call(call("decline-2", new Decline(List.of(o2.getId()), 0.0)));
        await("both declines sent", () -> g.calls().callsSent() >= 2);
        sim.allocateNow();
        Offer again = offerOf(offers.awaitValue(
                        "agent-2 offered again",
                        e -> e.getEvent() instanceof Offer o
                                && o.getAgentId().equals("agent-2")
                                && !o.getId().equals(o2.getId()))
                .value());
        assertNotNull(again);
        assertEquals(
                1,
                offers.valuesSeen().stream()
                        .filter(e -> e.getEvent() instanceof Offer o
                                && o.getAgentId().equals("agent-1"))
                        .count(),
                "agent-1 is filtered for an hour");
        assertFalse(sim.outstandingOffers().contains(o1.getId()));
    }

    @Test
    void killEndsInTaskKilledInKafka() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        launchOne(offers, statuses, "pod.victim");
        call(call("kill-1", new Kill("pod.victim", "agent-1")));
        statuses.awaitValue("KILLED", s -> status(s, "pod.victim", TaskState.TASK_KILLED));
        assertEquals(Protos.TaskState.TASK_KILLED, sim.tasks().get("pod.victim").state());
    }

    @Test
    void explicitAndImplicitReconciliationAnswersLandInKafka() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        launchOne(offers, statuses, "pod.rec");
        call(call("rec-explicit", new Reconcile(List.of(new ReconcileTask("pod.rec", "agent-1")))));
        call(call("rec-implicit", new Reconcile(List.of())));
        statuses.await(
                "two reconciliation answers",
                r -> statuses.valuesSeen().stream()
                                .filter(s -> status(s, "pod.rec", TaskState.TASK_RUNNING)
                                        && "REASON_RECONCILIATION".equals(s.getReason()))
                                .count()
                        >= 2);
    }

    @Test
    void suppressStopsOffersAndReviveBringsThemBack() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        Offer o1 = awaitOffer(offers, "agent-1");
        Offer o2 = awaitOffer(offers, "agent-2");
        call(call("suppress", new Suppress(List.of())));
        call(call("decline-all", new Decline(List.of(o1.getId(), o2.getId()), 0.0)));
        await("suppress and decline sent", () -> g.calls().callsSent() >= 2);
        sim.allocateNow();
        assertEquals(java.util.Set.of(), sim.outstandingOffers(), "suppressed: nothing offered");
        call(call("revive", new Revive(List.of())));
        await("revive sent", () -> g.calls().callsSent() >= 3);
        sim.allocateNow();
        offers.awaitValue(
                "a new offer after REVIVE",
                e -> e.getEvent() instanceof Offer o
                        && !o.getId().equals(o1.getId())
                        && !o.getId().equals(o2.getId()));
    }

    @Test
    void acknowledgeCallFromTheTopicIsSent() throws Exception {
        MesosMasterSimulator sim = sim(b -> b.agents(1).emitStagingUpdate(false));
        AtomicInteger bridgeAcks = new AtomicInteger();
        // the bridge acknowledges nothing itself here: the ACKNOWLEDGE must come from mesos-calls
        gateway(OfferIngestService.builder(config(sim)).acknowledger(client -> s -> {
            bridgeAcks.incrementAndGet();
            return false;
        }));
        TopicReader<OfferEvent> offers = reader(Topic.OFFERS, OfferEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        Offer offer = awaitOffer(offers, "agent-1");
        call(call(
                "launch-ack",
                new Accept(
                        List.of(offer.getId()),
                        List.of(new Launch(List.of(task("pod.ack", offer, executor("e-ack"))))),
                        null)));
        TaskStatus starting = statuses.awaitValue("STARTING", s -> status(s, "pod.ack", TaskState.TASK_STARTING))
                .value();
        call(call("ack-1", new io.k8sm.avro.Acknowledge("agent-1", "pod.ack", starting.getUuid())));
        statuses.awaitValue(
                "RUNNING (sent only after STARTING was acknowledged)",
                s -> status(s, "pod.ack", TaskState.TASK_RUNNING));
        assertTrue(bridgeAcks.get() >= 1);
    }

    @Test
    void rejectedCallBecomesCallRejectedWithStatusAndBodyAndTheGatewayGoesOn() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(OfferIngestService.builder(config(sim)).calls(real -> new MesosCalls() {
            @Override
            public void call(Call c) {
                if (c.getType() == Call.Type.KILL
                        && c.getKill().getTaskId().getValue().equals("pod.refused")) {
                    throw new MesosCallException(Call.Type.KILL, 400, "Expecting 'kill' to be valid", null);
                }
                real.call(c);
            }

            @Override
            public boolean isSubscribed() {
                return real.isSubscribed();
            }
        }));
        TopicReader<FrameworkEvent> framework = reader(Topic.FRAMEWORK, FrameworkEvent.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        call(call("kill-refused", new Kill("pod.refused", null)));
        call(call("kill-unknown", new Kill("pod.nobody", null)));
        CallRejected r = (CallRejected) framework
                .awaitValue("CallRejected", e -> e.getEvent() instanceof CallRejected)
                .value()
                .getEvent();
        assertEquals("kill-refused", r.getCallId());
        assertEquals("KILL", r.getCallType());
        assertEquals(400, r.getHttpStatus());
        assertEquals("Expecting 'kill' to be valid", r.getReason());
        statuses.awaitValue("the next call executed", s -> status(s, "pod.nobody", TaskState.TASK_UNKNOWN));
        assertEquals(1, g.calls().callsRejected());
    }

    @Test
    void unreadableCallRecordIsDeadLetteredAndTheNextCallExecuted() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        TopicReader<DeadLetter> dead = reader(Topic.DEAD_LETTERS, DeadLetter.class);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        try (KafkaProducer<byte[], byte[]> raw =
                new KafkaProducer<>(world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(
                            topics.name(Topic.MESOS_CALLS),
                            "junk".getBytes(StandardCharsets.UTF_8),
                            "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        call(call("kill-after-junk", new Kill("pod.nobody", null)));
        DeadLetter letter = dead.awaitValue(
                        "the junk call", d -> d.getSourceTopic().equals(topics.name(Topic.MESOS_CALLS)))
                .value();
        assertEquals(ByteBuffer.wrap("not avro".getBytes(StandardCharsets.UTF_8)), letter.getValue());
        statuses.awaitValue("the next call executed", s -> status(s, "pod.nobody", TaskState.TASK_UNKNOWN));
    }

    @Test
    void executedCallsAreCommittedSoARestartDoesNotSendThemAgain() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService first = gateway(sim);
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        call(call("kill-a", new Kill("pod.a", null)));
        statuses.awaitValue("the kill answered", s -> status(s, "pod.a", TaskState.TASK_UNKNOWN));
        await("kill-a committed", () -> committedOffset("calls-" + prefix) >= 1);
        first.close();
        OfferIngestService second = gateway(sim);
        call(call("kill-b", new Kill("pod.b", null)));
        statuses.awaitValue("the next kill answered", s -> status(s, "pod.b", TaskState.TASK_UNKNOWN));
        assertEquals(1, second.calls().callsSent(), "kill-a was committed by the first gateway");
    }

    /**
     * Issue 13: two instances, one broker, one master. Only the owner of the leader group's partition subscribes;
     * the standby takes over with the stored framework id when the leader stops, and the master never saw a call
     * from anyone but the leader while it lived (the simulator's own record).
     */
    @Test
    void ofTwoInstancesOnlyTheLeaderSubscribesAndTheStandbyFailsOverWithTheSameFrameworkId() throws Exception {
        MesosMasterSimulator sim = sim();
        SubscriptionLog log = sim.subscriptionLog();
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        OfferIngestService leader = gateway(sim);
        OfferIngestService standby = OfferIngestService.builder(config(sim)).build();
        toClose.add(standby);
        standby.start();
        await("the standby ready", standby::isReady);
        call(call("kill-1", new Kill("pod.one", null)));
        statuses.awaitValue("kill-1 answered", s -> status(s, "pod.one", TaskState.TASK_UNKNOWN));

        List<SubscriptionLog.Subscription> before = log.subscriptions();
        assertEquals(1, before.size(), "only the leader subscribed: " + before);
        assertTrue(leader.client().isSubscribed());
        assertFalse(standby.client().isSubscribed(), "the standby holds no subscription");
        System.gc(); // the leader gauge must not be collected (Micrometer holds a gauge's object weakly)
        assertEquals(
                1.0,
                leader.metrics().registry().get("k8sm.ingest.leader").gauge().value());
        assertEquals(
                0.0,
                standby.metrics().registry().get("k8sm.ingest.leader").gauge().value());
        assertTrue(leader.isLeader() && !standby.isLeader());
        String fid = before.get(0).frameworkId();

        long stoppedAt = System.currentTimeMillis();
        leader.close();
        await("the standby subscribed", standby.client()::isSubscribed);
        List<SubscriptionLog.Subscription> after = log.subscriptions();
        assertEquals(2, after.size(), "one failover: " + after);
        SubscriptionLog.Subscription takeover = after.get(1);
        assertEquals(fid, takeover.frameworkId(), "the same framework: a failover, not a new registration");
        assertEquals(Optional.of(fid), standby.storedFrameworkId());
        assertTrue(standby.isLeader());
        System.out.printf(
                "offer-ingest failover: leader closed -> standby SUBSCRIBED in %d ms%n",
                takeover.atMillis() - stoppedAt);

        List<SubscriptionLog.ReceivedCall> whileLeaderLived = log.calls().stream()
                .filter(c -> c.atMillis() < takeover.atMillis())
                .toList();
        assertFalse(whileLeaderLived.isEmpty(), "the leader sent kill-1");
        assertTrue(
                whileLeaderLived.stream()
                        .allMatch(c -> c.streamId().equals(before.get(0).streamId())),
                "every call before the takeover came on the leader's stream: " + whileLeaderLived);

        call(call("kill-2", new Kill("pod.two", null)));
        statuses.awaitValue("kill-2 answered by the new leader", s -> status(s, "pod.two", TaskState.TASK_UNKNOWN));
        assertTrue(log.calls().stream().anyMatch(c -> c.streamId().equals(takeover.streamId())));
    }
}
