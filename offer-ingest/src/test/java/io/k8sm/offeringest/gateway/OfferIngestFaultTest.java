package io.k8sm.offeringest.gateway;

import static io.k8sm.offeringest.gateway.TopicReader.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Accept;
import io.k8sm.avro.CallRejected;
import io.k8sm.avro.Decline;
import io.k8sm.avro.ExecutorSpec;
import io.k8sm.avro.ExecutorType;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.Kill;
import io.k8sm.avro.Launch;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.Resource;
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
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * offer-ingest under faults (issue 10 points 2, 4, 5): a lost framework-id write, an unreadable stored id,
 * calls the master loses (503, a dropped connection), a kill just after an ACCEPT was sent, an ERROR event.
 * Each invariant is checked from the simulator's own record (the framework ids it answered, the calls it
 * executed, its tasks and offers).
 */
@WithKafkaWorld
class OfferIngestFaultTest {
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
        this.prefix = "oif" + SEQ.incrementAndGet() + ".";
        this.frameworkName = "k8sm-" + info.getTestMethod().orElseThrow().getName();
        this.topics = TopicCatalogue.builder().prefix(prefix).build();
        try (Admin admin = world.admin()) {
            admin.createTopics(topics.all((short) 1)).all().get();
        }
        registry = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", world.registryUrl()));
        toClose.add(registry);
        callWriter = new KafkaProducer<>(world.producerProps(), new StringSerializer(), new AvroSerializer<>(registry));
        toClose.add(callWriter);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (RuntimeException e) {
                // a service killed by the test may fail to close: nothing to clean then
            }
        }
    }

    // ------------------------------------------------------------------ framework id (10.2, D5)

    @Test
    void aFrameworkIdWhoseFirstWriteFailsIsRetriedBeforeAnythingElseSoARestartFailsOverWithTheSameId()
            throws Exception {
        MesosMasterSimulator sim = sim();
        FailingProducer failing = new FailingProducer(topics.name(Topic.FRAMEWORK_ID), 2);
        OfferIngestService first =
                gateway(OfferIngestService.builder(config(settings(sim))).producer(failing::wrap));
        awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        assertTrue(failing.failed.get() >= 1, "the framework-id write failed at first");
        first.close(); // as a kill -9 would: nothing more is written
        gateway(sim);
        List<String> ids = sim.subscribedFrameworkIds();
        assertEquals(2, ids.size(), "two subscriptions: " + ids);
        assertEquals(ids.get(0), ids.get(1), "the restart failed over as the same framework: " + ids);
    }

    @Test
    void aTombstonedFrameworkIdRefusesToStartUnlessTheOperatorAsksForANewFramework() throws Exception {
        MesosMasterSimulator sim = sim();
        writeFrameworkIdBytes(null);
        FrameworkIdUnreadableException e = assertThrows(
                FrameworkIdUnreadableException.class,
                () -> OfferIngestService.builder(config(settings(sim))).build());
        assertInstanceOf(IllegalArgumentException.class, e, "what `k8sm run` maps to exit code 2");
        assertTrue(e.getMessage().contains(topics.name(Topic.FRAMEWORK_ID)), e.getMessage());
        assertTrue(e.getMessage().contains(OfferIngestConfig.NEW_FRAMEWORK), e.getMessage());
        assertEquals(0, sim.subscriptionCount(), "nothing subscribed");
        Map<String, Object> m = settings(sim);
        m.put(OfferIngestConfig.NEW_FRAMEWORK, "true");
        gateway(OfferIngestService.builder(config(m)));
        assertEquals(1, sim.subscriptionCount());
    }

    @Test
    void aCorruptOrUnknownSchemaFrameworkIdRecordRefusesToStart() throws Exception {
        MesosMasterSimulator sim = sim();
        writeFrameworkIdBytes("not avro at all".getBytes(StandardCharsets.UTF_8));
        assertThrows(
                FrameworkIdUnreadableException.class,
                () -> OfferIngestService.builder(config(settings(sim))).build());
        // magic byte, then a schema id the registry never gave out
        writeFrameworkIdBytes(new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 'x'});
        FrameworkIdUnreadableException e = assertThrows(
                FrameworkIdUnreadableException.class,
                () -> OfferIngestService.builder(config(settings(sim))).build());
        assertTrue(e.getMessage().contains(frameworkName), e.getMessage());
        assertEquals(0, sim.subscriptionCount(), "nothing subscribed");
    }

    // ------------------------------------------------------------------ lost calls (10.5, D3)

    @Test
    void anAcceptTheMasterAnswers503IsSentAgainAndLaunchesItsTaskExactlyOnce() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        Offer offer = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        sim.failNextCalls(2, 503);
        call(accept("launch-503", offer, "pod.503"));
        reader(Topic.TASK_STATUS, TaskStatus.class)
                .awaitValue("pod.503 RUNNING", s -> status(s, "pod.503", TaskState.TASK_RUNNING));
        assertEquals(1, sim.launchedCount(), "launched once");
        assertEquals(1, acceptsOf(sim, "pod.503"), "one ACCEPT executed by the master");
    }

    @Test
    void aDeclineWhoseConnectionDropsIsSentAgainAndTheOfferDeclined() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        Offer offer = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        sim.dropNextCalls(1);
        call(call("decline-dropped", new Decline(List.of(offer.getId()), 3600.0)));
        await("the offer declined in the master", () -> !sim.outstandingOffers().contains(offer.getId()));
        assertTrue(sim.executedCalls().stream()
                .anyMatch(c -> c.getType() == Call.Type.DECLINE
                        && c.getDecline().getOfferIds(0).getValue().equals(offer.getId())));
    }

    /**
     * Review C3: a scheduler rebuilt from scratch replays days of {@code offers} and may decline every historical
     * offer. Invariant, from the master's record: it executes no DECLINE naming an offer it did not offer to this
     * subscription, and a DECLINE naming a live offer among dead ones still declines the live one.
     */
    @Test
    void aDeclineOfOffersThisSubscriptionNeverReceivedIsDroppedAndALiveOfferAmongThemStillDeclined() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        Offer offer = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        for (int i = 0; i < 20; i++) {
            call(call("decline-historic-" + i, new Decline(List.of("historic-offer-" + i), 3600.0)));
        }
        call(call("decline-mixed", new Decline(List.of("historic-offer-x", offer.getId()), 3600.0)));
        await(
                "the live offer declined in the master",
                () -> !sim.outstandingOffers().contains(offer.getId()));
        List<String> declined = sim.executedCalls().stream()
                .filter(c -> c.getType() == Call.Type.DECLINE)
                .flatMap(c -> c.getDecline().getOfferIdsList().stream())
                .map(Protos.OfferID::getValue)
                .toList();
        assertEquals(List.of(offer.getId()), declined, "the master was asked to decline only its live offer");
    }

    @Test
    void aKillTheMasterAnswers503IsSentAgainAndTheTaskKilled() throws Exception {
        MesosMasterSimulator sim = sim();
        gateway(sim);
        Offer offer = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        call(accept("launch-victim", offer, "pod.victim"));
        statuses.awaitValue("RUNNING", s -> status(s, "pod.victim", TaskState.TASK_RUNNING));
        sim.failNextCalls(3, 503);
        call(call("kill-503", new Kill("pod.victim", "agent-1")));
        await(
                "the task killed in the master",
                () -> sim.tasks().get("pod.victim").state() == Protos.TaskState.TASK_KILLED);
    }

    @Test
    void anAcceptTheMasterRefusesWith4xxIsCallRejectedWithItsTaskIdsAndNotRetried() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        Offer offer = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        sim.failNextCalls(1, 400);
        call(accept("launch-400", offer, "pod.400"));
        CallRejected r = (CallRejected) reader(Topic.FRAMEWORK, FrameworkEvent.class)
                .awaitValue("CallRejected", e -> e.getEvent() instanceof CallRejected)
                .value()
                .getEvent();
        assertEquals("launch-400", r.getCallId());
        assertEquals(400, r.getHttpStatus());
        assertEquals(List.of("pod.400"), r.getTaskIds());
        call(call("kill-after", new Kill("pod.nobody", null)));
        reader(Topic.TASK_STATUS, TaskStatus.class)
                .awaitValue("the next call executed", s -> status(s, "pod.nobody", TaskState.TASK_UNKNOWN));
        assertEquals(0, acceptsOf(sim, "pod.400"), "a permanent refusal is not sent again");
        assertEquals(1, g.calls().callsRejected());
    }

    // ------------------------------------------------------------------ replayed ACCEPT (10.4, D1)

    @Test
    void anAcceptSentJustBeforeOfferIngestIsKilledIsNotSentAgainByTheRestartedInstance() throws Exception {
        MesosMasterSimulator sim = sim(b -> b.agents(2).taskLifecycle(Duration.ofSeconds(30), Duration.ofSeconds(60)));
        AtomicBoolean killed = new AtomicBoolean();
        OfferIngestService first = gateway(afterTheFirstAccept(sim, () -> {
            killed.set(true);
            throw new Killed(); // the process dies here: nothing after the send runs
        }));
        Offer offer = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        call(accept("launch-killed", offer, "pod.killed"));
        await(
                "killed after sending the ACCEPT",
                () -> killed.get() && !first.calls().isRunning());
        first.close();
        gateway(sim);
        call(call("kill-marker", new Kill("pod.nobody", null)));
        TopicReader<TaskStatus> statuses = reader(Topic.TASK_STATUS, TaskStatus.class);
        statuses.awaitValue(
                "the restarted instance executes calls", s -> status(s, "pod.nobody", TaskState.TASK_UNKNOWN));
        assertEquals(1, acceptsOf(sim, "pod.killed"), "the master saw one ACCEPT for the task");
        assertEquals(1, sim.launchedCount());
        assertFalse(
                statuses.valuesSeen().stream()
                        .anyMatch(s ->
                                s.getTaskId().equals("pod.killed") && "REASON_INVALID_OFFERS".equals(s.getReason())),
                "no TASK_DROPPED echo of a replay for the live task");
        assertTrue(
                !MesosMasterSimulator.isTerminal(sim.tasks().get("pod.killed").state()), "the task lives");
    }

    /**
     * Every restart of offer-ingest is a new subscription, and Mesos invalidates the earlier one's
     * offers; a launch written for one of them, still queued in mesos-calls, would only be refused.
     * Invariant, from the master's record: such an ACCEPT never reaches it; its tasks are answered
     * CallRejected notSent (so the scheduler places them again at once), and the next call flows.
     */
    @Test
    void anAcceptOfAnOfferFromBeforeAResubscriptionIsNotSentAndItsTasksAnsweredNotSent() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService first = gateway(sim);
        Offer old = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        first.close();
        OfferIngestService second = gateway(sim);
        Offer fresh = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        call(accept("launch-stale", old, "pod.stale"));
        call(accept("launch-fresh", fresh, "pod.fresh"));
        reader(Topic.TASK_STATUS, TaskStatus.class)
                .awaitValue("the next launch runs", s -> status(s, "pod.fresh", TaskState.TASK_RUNNING));
        CallRejected r = (CallRejected) reader(Topic.FRAMEWORK, FrameworkEvent.class)
                .awaitValue("CallRejected", e -> e.getEvent() instanceof CallRejected)
                .value()
                .getEvent();
        assertEquals("launch-stale", r.getCallId());
        assertTrue(r.getNotSent(), "answered as not sent");
        assertEquals(List.of("pod.stale"), r.getTaskIds());
        assertEquals(0, acceptsOf(sim, "pod.stale"), "the master never saw the stale ACCEPT");
        assertEquals(1, second.calls().acceptsNotSent());
    }

    /**
     * The exception to the rule above: an ACCEPT that reached the master but got no answer, and is
     * retried after the stream was re-subscribed, names offers of the earlier subscription — but its
     * task was launched. Invariant, from the master's record: the retry is sent (the master refuses
     * it), no CallRejected says "not sent", and the task lives.
     */
    @Test
    void anAcceptRetriedAfterAResubscriptionIsSentAgainNotAnsweredNotSent() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(afterTheFirstAccept(sim, () -> {
            sim.dropStream(); // the master failed over after it acted, before it answered
            throw new MesosCallException(Call.Type.ACCEPT, -1, null, new java.io.IOException("no answer"));
        }));
        Offer offer = awaitOffer(sim, reader(Topic.OFFERS, OfferEvent.class), "agent-1");
        call(accept("launch-unanswered", offer, "pod.unanswered"));
        await("the retry reached the master", () -> acceptsOf(sim, "pod.unanswered") == 2);
        call(call("kill-marker", new Kill("pod.nobody", null)));
        reader(Topic.TASK_STATUS, TaskStatus.class)
                .awaitValue("the next call executed", s -> status(s, "pod.nobody", TaskState.TASK_UNKNOWN));
        assertFalse(
                reader(Topic.FRAMEWORK, FrameworkEvent.class).valuesSeen().stream()
                        .anyMatch(e -> e.getEvent() instanceof CallRejected r && r.getNotSent()),
                "no 'not sent' for a call that reached the master");
        assertEquals(0, g.calls().acceptsNotSent());
        assertEquals(1, sim.launchedCount());
        assertFalse(
                MesosMasterSimulator.isTerminal(
                        sim.tasks().get("pod.unanswered").state()),
                "the task lives");
    }

    /** A service whose master calls run as usual, except that right after the first ACCEPT was sent {@code then} runs. */
    private OfferIngestService.Builder afterTheFirstAccept(MesosMasterSimulator sim, Runnable then) {
        AtomicBoolean done = new AtomicBoolean();
        return OfferIngestService.builder(config(settings(sim))).calls(real -> new MesosCalls() {
            @Override
            public void call(Call c) {
                real.call(c);
                if (c.getType() == Call.Type.ACCEPT && done.compareAndSet(false, true)) {
                    then.run();
                }
            }

            @Override
            public boolean isSubscribed() {
                return real.isSubscribed();
            }
        });
    }

    /** Ends the call thread the way a kill -9 ends the process: no handler, no commit after it. */
    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("injected: killed after sending", null, false, false);
        }
    }

    // ------------------------------------------------------------------ ERROR (M8)

    @Test
    void anErrorEventThatStopsTheClientMakesTheServiceUnhealthy() throws Exception {
        MesosMasterSimulator sim = sim();
        OfferIngestService g = gateway(sim);
        String fid = sim.frameworkId().orElseThrow();
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
        await("unhealthy once the ERROR stopped the client", () -> !g.isHealthy());
    }

    // ------------------------------------------------------------------ harness

    private MesosMasterSimulator sim(java.util.function.Consumer<MesosMasterSimulator.Builder> tweak) throws Exception {
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

    private static OfferIngestConfig config(Map<String, Object> m) {
        return OfferIngestConfig.fromMap(m);
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
        m.put(OfferIngestConfig.REQUEST_TIMEOUT, "5000");
        m.put(OfferIngestConfig.CALLS_GROUP, "calls-" + prefix);
        m.put(OfferIngestConfig.CALLS_POLL, "100");
        return m;
    }

    private OfferIngestService gateway(MesosMasterSimulator sim) {
        return gateway(OfferIngestService.builder(config(settings(sim))));
    }

    private OfferIngestService gateway(OfferIngestService.Builder b) {
        OfferIngestService g = b.build();
        toClose.add(g);
        g.start();
        await("subscribed", g.client()::isSubscribed);
        return g;
    }

    private void writeFrameworkIdBytes(byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw =
                new KafkaProducer<>(world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(
                            topics.name(Topic.FRAMEWORK_ID), frameworkName.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        }
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

    private static MesosCall accept(String id, Offer offer, String taskId) {
        Resource cpus = Resource.newBuilder()
                .setName("cpus")
                .setType(ValueType.SCALAR)
                .setScalar(0.25)
                .build();
        TaskLaunch task = TaskLaunch.newBuilder()
                .setTaskId(taskId)
                .setName(taskId)
                .setAgentId(offer.getAgentId())
                .setResources(List.of(cpus))
                .setExecutor(ExecutorSpec.newBuilder()
                        .setExecutorId("e-" + taskId)
                        .setType(ExecutorType.CUSTOM)
                        .setResources(List.of(cpus))
                        .build())
                .build();
        return call(id, new Accept(List.of(offer.getId()), List.of(new Launch(List.of(task))), null));
    }

    private static long acceptsOf(MesosMasterSimulator sim, String taskId) {
        return sim.executedCalls().stream()
                .filter(c -> c.getType() == Call.Type.ACCEPT)
                .filter(c -> c.getAccept().getOperationsList().stream()
                        .flatMap(o -> o.getLaunch().getTaskInfosList().stream())
                        .anyMatch(t -> t.getTaskId().getValue().equals(taskId)))
                .count();
    }

    /** An offer of the agent that the master still holds out (a resubscription recovers earlier ones). */
    private static Offer awaitOffer(MesosMasterSimulator sim, TopicReader<OfferEvent> offers, String agentId) {
        return (Offer) offers.awaitValue(
                        "an outstanding offer of " + agentId,
                        e -> e.getEvent() instanceof Offer o
                                && o.getAgentId().equals(agentId)
                                && sim.outstandingOffers().contains(o.getId()))
                .value()
                .getEvent();
    }

    private static boolean status(TaskStatus s, String taskId, TaskState state) {
        return s.getTaskId().equals(taskId) && s.getState() == state;
    }
}
