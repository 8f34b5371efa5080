package io.k8sm.offeringest.mesos;

import static io.k8sm.offeringest.mesos.RecordingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.offeringest.mesos.MesosClientConfig.Encoding;
import io.k8sm.sandbox.mesos.MesosMasterSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MesosSchedulerClientTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final RecordingListener events = new RecordingListener();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private MesosMasterSimulator.Builder sim() {
        return MesosMasterSimulator.builder()
                .agents(2)
                .allocationInterval(Duration.ofMillis(50))
                .heartbeatInterval(Duration.ofMillis(200))
                .statusUpdateRetryInterval(Duration.ofMillis(100))
                .taskLifecycle(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    private MesosMasterSimulator start(MesosMasterSimulator.Builder b) throws IOException {
        MesosMasterSimulator s = b.start();
        toClose.add(s);
        return s;
    }

    private MesosClientConfig.Builder config(URI... masters) {
        return MesosClientConfig.builder(MesosClientConfig.frameworkInfo(
                        "k8sm-test", List.of("k8s"), Duration.ofDays(28), Optional.empty()))
                .masters(List.of(masters))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .missedHeartbeats(5)
                .requestTimeout(Duration.ofSeconds(10));
    }

    private MesosSchedulerClient client(MesosClientConfig cfg) {
        MesosSchedulerClient c = new MesosSchedulerClient(cfg, events);
        toClose.add(c);
        c.start();
        return c;
    }

    private MesosSchedulerClient subscribed(MesosMasterSimulator sim, Encoding encoding) {
        MesosSchedulerClient c =
                client(config(sim.schedulerUri()).encoding(encoding).build());
        await("subscription", c::isSubscribed);
        return c;
    }

    private static TaskInfo task(String id, Offer offer, double cpus, double mem) {
        return TaskInfo.newBuilder()
                .setName(id)
                .setTaskId(TaskID.newBuilder().setValue(id))
                .setAgentId(offer.getAgentId())
                .addResources(scalar("cpus", cpus))
                .addResources(scalar("mem", mem))
                .setCommand(CommandInfo.newBuilder().setValue("sleep 1000"))
                .build();
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder()
                .setName(name)
                .setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(v))
                .build();
    }

    private static Filters refuse(double seconds) {
        return Filters.newBuilder().setRefuseSeconds(seconds).build();
    }

    private static boolean is(TaskStatus s, String taskId, TaskState state) {
        return s.getTaskId().getValue().equals(taskId) && s.getState() == state;
    }

    // ------------------------------------------------------------------ subscription and offers

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void subscribesAndReceivesOffersOfEveryAgent(Encoding encoding) throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, encoding);
        assertEquals(encoding == Encoding.JSON, sim.streamIsJson());
        assertTrue(c.streamId().isPresent());
        assertEquals(
                sim.frameworkId().orElseThrow(), c.frameworkId().orElseThrow().getValue());
        Offer o1 = events.awaitOffer(o -> o.getAgentId().getValue().equals("agent-1"));
        events.awaitOffer(o -> o.getAgentId().getValue().equals("agent-2"));
        assertEquals("host-1", o1.getHostname());
        assertEquals("k8s", o1.getAllocationInfo().getRole());
        Resource ports = o1.getResourcesList().stream()
                .filter(r -> r.getName().equals("ports"))
                .findFirst()
                .orElseThrow();
        assertEquals(2, ports.getRanges().getRangeCount(), "two port ranges per agent");
        await("heartbeats", () -> events.heartbeats >= 2);
    }

    /**
     * Subscribes with auto-acknowledgement and launches task t1 (1 cpu, 128 MB) on the first offer.
     */
    private MesosSchedulerClient launchedT1(MesosMasterSimulator sim, Encoding encoding) throws IOException {
        MesosSchedulerClient c = subscribed(sim, encoding);
        autoAcknowledge(c);
        Offer offer = events.awaitOffer(o -> true);
        c.launch(offer.getId(), List.of(task("t1", offer, 1, 128)), refuse(0));
        return c;
    }

    @Test
    void declineWithAFilterSuppressesThatAgentsOffersForRefuseSeconds() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        Offer a1 = events.awaitOffer(o -> o.getAgentId().getValue().equals("agent-1"));
        Offer a2 = events.awaitOffer(o -> o.getAgentId().getValue().equals("agent-2"));
        c.decline(List.of(a1.getId()), refuse(3600));
        int a1Before = countOffers("agent-1");
        // agent-2's offers keep coming back (refuse 0) while agent-1 stays filtered
        c.decline(List.of(a2.getId()), refuse(0));
        for (int i = 0; i < 3; i++) {
            Offer latest = events.awaitOffer(o -> o.getAgentId().getValue().equals("agent-2"));
            int n = countOffers("agent-2");
            c.decline(List.of(latest.getId()), refuse(0));
            await("another agent-2 offer", () -> countOffers("agent-2") > n);
        }
        assertEquals(a1Before, countOffers("agent-1"), "agent-1 was re-offered despite refuse_seconds");
        c.revive();
        await("agent-1 offered again after REVIVE cleared the filter", () -> countOffers("agent-1") > a1Before);
    }

    @Test
    void declinedAgentIsOfferedAgainOnceRefuseSecondsHavePassed() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.JSON);
        Offer a1 = events.awaitOffer(o -> o.getAgentId().getValue().equals("agent-1"));
        c.decline(List.of(a1.getId()), refuse(0.2));
        await("agent-1 offered again", () -> countOffers("agent-1") > 1);
    }

    @Test
    void suppressStopsOffersAndReviveRestoresThem() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        events.awaitOffer(o -> true);
        c.suppress();
        List<String> outstanding = List.copyOf(sim.outstandingOffers());
        for (Offer o : List.copyOf(events.offers)) {
            if (outstanding.contains(o.getId().getValue())) {
                c.decline(List.of(o.getId()), refuse(0));
            }
        }
        int before = events.offers.size();
        int beats = events.heartbeats;
        await("a few heartbeats while suppressed", () -> events.heartbeats >= beats + 3);
        assertEquals(before, events.offers.size(), "offers arrived while suppressed");
        c.revive();
        await("offers after REVIVE", () -> events.offers.size() > before);
    }

    private int countOffers(String agent) {
        return (int) events.offers.stream()
                .filter(o -> o.getAgentId().getValue().equals(agent))
                .count();
    }

    @Test
    void rescindIsDelivered() throws IOException {
        MesosMasterSimulator sim = start(sim());
        subscribed(sim, Encoding.PROTOBUF);
        events.awaitOffer(o -> true);
        sim.rescindAll();
        await("rescind", () -> !events.rescinds.isEmpty());
    }

    // ------------------------------------------------------------------ launch, updates,
    // acknowledgements

    @Test
    void launchReportsStagingStartingRunningAndUpdatesStopAfterAcknowledge() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        Offer offer = events.awaitOffer(o -> true);
        c.launch(offer.getId(), List.of(task("t1", offer, 1, 128)), refuse(0));
        for (TaskState state : List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING)) {
            TaskStatus s = events.awaitUpdate(u -> is(u, "t1", state));
            assertTrue(s.hasUuid(), state + " must be reliable");
            assertTrue(c.acknowledge(s));
        }
        await("all acknowledged", () -> sim.tasks().get("t1").unacknowledgedUpdates() == 0);
        long running = events.count(u -> is(u, "t1", TaskState.TASK_RUNNING));
        int beats = events.heartbeats;
        await("several retry intervals", () -> events.heartbeats >= beats + 3);
        assertEquals(running, events.count(u -> is(u, "t1", TaskState.TASK_RUNNING)), "acknowledged update was resent");
        assertEquals(TaskState.TASK_RUNNING, sim.tasks().get("t1").state());
        assertEquals(1, sim.launchedCount());
    }

    @Test
    void unacknowledgedUpdateIsRetriedWithTheSameUuid() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.JSON);
        Offer offer = events.awaitOffer(o -> true);
        c.launch(offer.getId(), List.of(task("t1", offer, 1, 128)), refuse(0));
        await("STAGING sent three times", () -> events.count(u -> is(u, "t1", TaskState.TASK_STAGING)) >= 3);
        List<TaskStatus> staging = events.updates.stream()
                .filter(u -> is(u, "t1", TaskState.TASK_STAGING))
                .toList();
        assertEquals(1, staging.stream().map(TaskStatus::getUuid).distinct().count(), "retries carry the same uuid");
        assertEquals(
                0,
                events.count(u -> is(u, "t1", TaskState.TASK_STARTING)),
                "the next update waits for the acknowledgement of the previous one");
        c.acknowledge(staging.get(0));
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_STARTING));
    }

    @Test
    void acceptOfAnAlreadyUsedOfferYieldsTaskDroppedAndNoSecondLaunch() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        Offer offer = events.awaitOffer(o -> true);
        c.launch(offer.getId(), List.of(task("t1", offer, 1, 128)), refuse(0));
        c.launch(offer.getId(), List.of(task("t2", offer, 1, 128)), refuse(0));
        TaskStatus lost = events.awaitUpdate(u -> is(u, "t2", TaskState.TASK_DROPPED));
        assertEquals(TaskStatus.Reason.REASON_INVALID_OFFERS, lost.getReason());
        assertEquals(TaskStatus.Source.SOURCE_MASTER, lost.getSource());
        assertFalse(lost.hasUuid(), "master-generated update must not be acknowledged");
        assertFalse(c.acknowledge(lost));
        assertEquals(1, sim.launchedCount());
        assertFalse(sim.tasks().containsKey("t2"));
    }

    @Test
    void launchGroupRunsEveryTaskOfTheGroup() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        Offer offer = events.awaitOffer(o -> true);
        ExecutorInfo exec = ExecutorInfo.newBuilder()
                .setType(ExecutorInfo.Type.DEFAULT)
                .setExecutorId(ExecutorID.newBuilder().setValue("k8sm-executor"))
                .addResources(scalar("cpus", 0.25))
                .addResources(scalar("mem", 64))
                .build();
        TaskGroupInfo group = TaskGroupInfo.newBuilder()
                .addTasks(task("g1", offer, 0.5, 64))
                .addTasks(task("g2", offer, 0.5, 64))
                .build();
        c.launchGroup(offer.getId(), exec, group, refuse(0));
        events.awaitUpdate(u -> is(u, "g1", TaskState.TASK_STAGING));
        events.awaitUpdate(u -> is(u, "g2", TaskState.TASK_STAGING));
        assertEquals(2, sim.launchedCount());
        assertEquals("k8sm-executor", sim.tasks().get("g1").executorId());
    }

    @Test
    void killEndsTheTaskWithTaskKilled() throws IOException {
        MesosMasterSimulator sim = start(sim().emitStagingUpdate(false));
        MesosSchedulerClient c = launchedT1(sim, Encoding.PROTOBUF);
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_RUNNING));
        c.kill(
                TaskID.newBuilder().setValue("t1").build(),
                org.apache.mesos.v1.Protos.AgentID.newBuilder()
                        .setValue(sim.tasks().get("t1").agentId())
                        .build());
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_KILLED));
        assertEquals(TaskState.TASK_KILLED, sim.tasks().get("t1").state());
    }

    @Test
    void injectedFailureArrivesWithItsReason() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = launchedT1(sim, Encoding.PROTOBUF);
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_RUNNING));
        sim.failTask("t1", TaskState.TASK_FAILED, TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED);
        TaskStatus failed = events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_FAILED));
        assertEquals(TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED, failed.getReason());
    }

    @Test
    void configuredFaultRateFailsRunningTasks() throws IOException {
        MesosMasterSimulator sim =
                start(sim().faultRate(TaskState.TASK_FAILED, 1.0).faultAfter(Duration.ofMillis(20)));
        MesosSchedulerClient c = launchedT1(sim, Encoding.PROTOBUF);
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_FAILED));
    }

    @Test
    void reconcileIsAnsweredWithReasonReconciliationAndNoUuid() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = launchedT1(sim, Encoding.JSON);
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_RUNNING));
        c.reconcile(List.of(
                Call.Reconcile.Task.newBuilder()
                        .setTaskId(TaskID.newBuilder().setValue("t1"))
                        .build(),
                Call.Reconcile.Task.newBuilder()
                        .setTaskId(TaskID.newBuilder().setValue("ghost"))
                        .build()));
        TaskStatus known = events.awaitUpdate(
                u -> is(u, "t1", TaskState.TASK_RUNNING) && u.getReason() == TaskStatus.Reason.REASON_RECONCILIATION);
        assertFalse(known.hasUuid());
        TaskStatus ghost = events.awaitUpdate(u -> is(u, "ghost", TaskState.TASK_UNKNOWN));
        assertEquals(TaskStatus.Reason.REASON_RECONCILIATION, ghost.getReason());
        long before = events.count(
                u -> u.getReason() == TaskStatus.Reason.REASON_RECONCILIATION && is(u, "t1", TaskState.TASK_RUNNING));
        c.reconcileImplicit();
        await(
                "implicit reconciliation answer",
                () -> events.count(u -> u.getReason() == TaskStatus.Reason.REASON_RECONCILIATION
                                && is(u, "t1", TaskState.TASK_RUNNING))
                        > before);
    }

    private void autoAcknowledge(MesosSchedulerClient c) {
        // acknowledge from a test thread, as the Kafka bridge would after writing the update to a topic
        Thread t = new Thread(
                () -> {
                    int next = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                        while (next < events.updates.size()) {
                            try {
                                c.acknowledge(events.updates.get(next));
                            } catch (MesosCallException e) {
                                // not subscribed at the moment; the master retries the update later
                            }
                            next++;
                        }
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "auto-ack");
        t.setDaemon(true);
        t.start();
        toClose.add(t::interrupt);
    }

    // ------------------------------------------------------------------ agents, failover, redirects

    @Test
    void agentLossSendsFailureRescindAndTaskGoneWithReasonAgentRemoved() throws IOException {
        MesosMasterSimulator sim = start(sim().emitStagingUpdate(false));
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        autoAcknowledge(c);
        Offer offer = events.awaitOffer(o -> o.getAgentId().getValue().equals("agent-1"));
        c.launch(offer.getId(), List.of(task("t1", offer, 1, 128)), refuse(0));
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_RUNNING));
        sim.loseAgent("agent-1");
        await(
                "FAILURE",
                () -> events.failures.stream()
                        .anyMatch(f -> f.getAgentId().getValue().equals("agent-1")));
        TaskStatus lost = events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_GONE));
        assertEquals(TaskStatus.Reason.REASON_AGENT_REMOVED, lost.getReason());
        assertEquals(1, sim.agents().size());
    }

    @Test
    void reconnectAfterADroppedStreamResubscribesWithTheSameFrameworkId() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = launchedT1(sim, Encoding.PROTOBUF);
        events.awaitUpdate(u -> is(u, "t1", TaskState.TASK_RUNNING));
        FrameworkID first = c.frameworkId().orElseThrow();
        String firstStream = c.streamId().orElseThrow();
        sim.dropStream();
        await("disconnect reported", () -> !events.disconnects.isEmpty());
        await("resubscribed", () -> events.subscribed.size() == 2 && c.isSubscribed());
        assertEquals(first, events.subscribed.get(1));
        assertEquals(2, sim.subscriptionCount());
        assertNotEquals(firstStream, c.streamId().orElseThrow(), "a new stream id per subscription");
        assertEquals(TaskState.TASK_RUNNING, sim.tasks().get("t1").state(), "tasks survive the failover");
        c.reconcileImplicit(); // the new stream id is accepted
    }

    @Test
    void redirectFromANonLeadingMasterIsFollowedToTheLeader() throws IOException {
        MesosMasterSimulator leader = start(sim());
        MesosMasterSimulator follower = start(sim().redirectTo("//127.0.0.1:" + leader.port() + "/api/v1/scheduler"));
        MesosSchedulerClient c = client(config(follower.schedulerUri()).build());
        await("subscribed via redirect", c::isSubscribed);
        assertEquals(leader.schedulerUri(), c.currentMaster().orElseThrow());
        assertEquals(1, leader.subscriptionCount());
        Offer o = events.awaitOffer(x -> true);
        c.decline(List.of(o.getId()), refuse(0));
    }

    @Test
    void mastersAreTriedInTurnUntilOneAnswers() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = client(config(URI.create("http://127.0.0.1:" + deadPort), sim.schedulerUri())
                .build());
        await("subscribed to the second master", c::isSubscribed);
        assertEquals(sim.schedulerUri(), c.currentMaster().orElseThrow());
    }

    @Test
    void heartbeatLossTriggersAReconnect() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c =
                client(config(sim.schedulerUri()).missedHeartbeats(3).build());
        await("subscription", c::isSubscribed);
        sim.stallStream();
        await("heartbeat timeout", () -> events.disconnects.stream().anyMatch(r -> r.contains("missed heartbeats")));
        await("resubscribed", () -> sim.subscriptionCount() == 2 && events.subscribed.size() == 2);
        assertEquals(events.subscribed.get(0), events.subscribed.get(1));
    }

    // ------------------------------------------------------------------ bad input and refused calls

    @Test
    void malformedFrameIsReportedAndTheClientResubscribes() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        sim.sendRaw("12x\n".getBytes());
        await(
                "bad input reported",
                () -> events.badInputs.stream().anyMatch(r -> r.contains("malformed RecordIO frame")));
        assertEquals("12x", new String(events.badBytes.get(0)).substring(0, 3));
        await("resubscribed", () -> sim.subscriptionCount() == 2 && c.isSubscribed());
    }

    @Test
    void eventOfUnknownTypeIsReportedAndTheSubscriptionKept() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        byte[] unknownType = {0x08, (byte) 0xe7, 0x07}; // Event.type = 999
        sim.sendRecord(unknownType);
        await("bad input reported", () -> events.badInputs.contains("event of unknown type"));
        sim.sendRecord("not a protobuf event \u0001\u0002".getBytes());
        await(
                "unparseable record reported",
                () -> events.badInputs.stream().anyMatch(r -> r.startsWith("cannot parse event")));
        int beats = events.heartbeats;
        await("heartbeats keep coming", () -> events.heartbeats > beats + 1);
        assertTrue(c.isSubscribed());
        assertEquals(1, sim.subscriptionCount());
        assertTrue(events.disconnects.isEmpty());
    }

    @Test
    void refusedCallThrowsWithTheHttpStatusAndBody() throws IOException {
        MesosMasterSimulator sim = start(sim());
        MesosSchedulerClient c = subscribed(sim, Encoding.PROTOBUF);
        MesosCallException e = assertThrows(
                MesosCallException.class,
                () -> c.call(Call.newBuilder()
                        .setType(Call.Type.REVIVE)
                        .setFrameworkId(FrameworkID.newBuilder().setValue("someone-else"))
                        .build()));
        assertEquals(403, e.status());
        assertTrue(e.body().contains("Framework cannot be found"), e.body());
        assertEquals(Call.Type.REVIVE, e.callType());
    }

    @Test
    void callWithoutSubscriptionThrowsNotSubscribed() {
        MesosSchedulerClient c = new MesosSchedulerClient(
                config(URI.create("http://127.0.0.1:1")).build(), events);
        toClose.add(c);
        assertThrows(
                NotSubscribedException.class,
                () -> c.kill(
                        TaskID.newBuilder().setValue("t").build(),
                        AgentID.newBuilder().setValue("a").build()));
    }

    @Test
    void basicAuthCredentialsAreSentAndWrongOnesRefused() throws IOException {
        MesosMasterSimulator sim = start(sim().credentials("k8sm", "s3cret"));
        MesosSchedulerClient bad =
                client(config(sim.schedulerUri()).credentials("k8sm", "wrong").build());
        await(
                "refusal recorded",
                () -> bad.lastFailure().map(f -> f.contains("HTTP 401")).orElse(false));
        bad.close();
        MesosSchedulerClient good =
                client(config(sim.schedulerUri()).credentials("k8sm", "s3cret").build());
        await("subscribed with credentials", good::isSubscribed);
    }
}
