package io.k8sm.offeringest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Accept;
import io.k8sm.avro.Acknowledge;
import io.k8sm.avro.CommandSpec;
import io.k8sm.avro.Decline;
import io.k8sm.avro.ExecutorSpec;
import io.k8sm.avro.ExecutorType;
import io.k8sm.avro.Filters;
import io.k8sm.avro.Launch;
import io.k8sm.avro.LaunchGroup;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Range;
import io.k8sm.avro.Resource;
import io.k8sm.avro.Revive;
import io.k8sm.avro.Suppress;
import io.k8sm.avro.TaskLaunch;
import io.k8sm.avro.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.Test;

class CallTranslatorTest {
    private final AllocationRoles roles = new AllocationRoles(List.of("k8s"));
    private final CallTranslator translator = new CallTranslator(roles);

    private static MesosCall call(Object body) {
        return MesosCall.newBuilder().setCallId("c-1").setCall(body).build();
    }

    private static TaskLaunch task(ExecutorSpec executor) {
        return TaskLaunch.newBuilder()
                .setTaskId("pod.1")
                .setName("web.default.pod")
                .setAgentId("agent-1")
                .setResources(List.of(
                        Resource.newBuilder()
                                .setName("cpus")
                                .setType(ValueType.SCALAR)
                                .setScalar(0.5)
                                .build(),
                        Resource.newBuilder()
                                .setName("ports")
                                .setType(ValueType.RANGES)
                                .setRanges(List.of(new Range(31000L, 31000L), new Range(32005L, 32006L)))
                                .setRole("k8s")
                                .setReservationPrincipal("ops")
                                .build()))
                .setExecutor(executor)
                .setData(ByteBuffer.wrap("{pod}".getBytes(StandardCharsets.UTF_8)))
                .setLabels(Map.of("b", "2", "a", "1"))
                .build();
    }

    private static ExecutorSpec custom() {
        return ExecutorSpec.newBuilder()
                .setExecutorId("exec-1")
                .setType(ExecutorType.CUSTOM)
                .setCommand(CommandSpec.newBuilder()
                        .setValue("./executor")
                        .setEnvironment(Map.of("X", "1"))
                        .setUris(List.of("http://repo/executor.tgz"))
                        .build())
                .build();
    }

    @Test
    void launchBecomesAnAcceptWithTaskInfoCarryingEveryField() {
        roles.offer("offer-1", "agent-1", "host-1", "k8s");
        Call c = translator.toProtobuf(
                call(new Accept(List.of("offer-1"), List.of(new Launch(List.of(task(custom())))), new Filters(30.0))));
        assertEquals(Call.Type.ACCEPT, c.getType());
        assertEquals("offer-1", c.getAccept().getOfferIds(0).getValue());
        assertEquals(30.0, c.getAccept().getFilters().getRefuseSeconds());
        Protos.Offer.Operation op = c.getAccept().getOperations(0);
        assertEquals(Protos.Offer.Operation.Type.LAUNCH, op.getType());
        Protos.TaskInfo t = op.getLaunch().getTaskInfos(0);
        assertEquals("pod.1", t.getTaskId().getValue());
        assertEquals("web.default.pod", t.getName());
        assertEquals("agent-1", t.getAgentId().getValue());
        assertEquals("{pod}", t.getData().toStringUtf8());
        assertEquals(
                List.of("a=1", "b=2"),
                t.getLabels().getLabelsList().stream()
                        .map(l -> l.getKey() + "=" + l.getValue())
                        .toList());
        assertEquals(0.5, t.getResources(0).getScalar().getValue());
        assertFalse(t.getResources(0).hasRole(), "unreserved: no role");
        assertEquals("k8s", t.getResources(0).getAllocationInfo().getRole(), "the offer's allocation role");
        Protos.Resource ports = t.getResources(1);
        assertEquals(2, ports.getRanges().getRangeCount());
        assertEquals(32006, ports.getRanges().getRange(1).getEnd());
        assertEquals("k8s", ports.getRole());
        assertEquals("ops", ports.getReservation().getPrincipal());
        assertEquals("exec-1", t.getExecutor().getExecutorId().getValue());
        assertEquals(Protos.ExecutorInfo.Type.CUSTOM, t.getExecutor().getType());
        assertEquals("./executor", t.getExecutor().getCommand().getValue());
        assertEquals(
                "http://repo/executor.tgz",
                t.getExecutor().getCommand().getUris(0).getValue());
        assertFalse(t.hasCommand());
    }

    @Test
    void aTasksLimitsBecomeTheMesosTaskInfoLimits() {
        roles.offer("offer-1", "agent-1", "host-1", "k8s");
        TaskLaunch limited = TaskLaunch.newBuilder(task(custom()))
                .setLimits(Map.of("cpus", 2.0, "mem", 512.0))
                .build();
        Protos.TaskInfo t = translator
                .toProtobuf(call(new Accept(List.of("offer-1"), List.of(new Launch(List.of(limited))), null)))
                .getAccept()
                .getOperations(0)
                .getLaunch()
                .getTaskInfos(0);
        assertEquals(2.0, t.getLimitsOrThrow("cpus").getValue());
        assertEquals(512.0, t.getLimitsOrThrow("mem").getValue());
        assertEquals(0.5, t.getResources(0).getScalar().getValue(), "resources stay the requests");
    }

    @Test
    void launchGroupRunsUnderTheDefaultExecutorAndItsTasksCarryNoExecutor() {
        Call c = translator.toProtobuf(call(
                new Accept(List.of("offer-2"), List.of(new LaunchGroup(custom(), List.of(task(custom())))), null)));
        Protos.Offer.Operation op = c.getAccept().getOperations(0);
        assertEquals(Protos.Offer.Operation.Type.LAUNCH_GROUP, op.getType());
        assertEquals(
                Protos.ExecutorInfo.Type.DEFAULT,
                op.getLaunchGroup().getExecutor().getType());
        assertFalse(op.getLaunchGroup().getExecutor().hasCommand(), "the default executor has no command");
        assertFalse(op.getLaunchGroup().getTaskGroup().getTasks(0).hasExecutor());
        assertFalse(c.getAccept().hasFilters());
    }

    @Test
    void declineKeepsItsFilterAndNoFilterMeansMesosDefault() {
        Call with = translator.toProtobuf(call(new Decline(List.of("o1", "o2"), 120.0)));
        assertEquals(120.0, with.getDecline().getFilters().getRefuseSeconds());
        assertEquals(2, with.getDecline().getOfferIdsCount());
        Call without = translator.toProtobuf(call(new Decline(List.of("o1"), null)));
        assertFalse(without.getDecline().hasFilters());
    }

    @Test
    void acknowledgeReviveAndSuppressCarryTheirFields() {
        Call ack = translator.toProtobuf(call(new Acknowledge("agent-1", "pod.1", ByteBuffer.wrap(new byte[] {1, 2}))));
        assertEquals("pod.1", ack.getAcknowledge().getTaskId().getValue());
        assertEquals(2, ack.getAcknowledge().getUuid().size());
        assertEquals(
                List.of("k8s"),
                translator
                        .toProtobuf(call(new Revive(List.of("k8s"))))
                        .getRevive()
                        .getRolesList());
        assertTrue(translator
                .toProtobuf(call(new Suppress(List.of())))
                .getSuppress()
                .getRolesList()
                .isEmpty());
    }

    @Test
    void acceptWithoutOffersCannotBeConverted() {
        assertThrows(
                CallTranslator.UnconvertibleCallException.class,
                () -> translator.toProtobuf(call(new Accept(List.of(), List.of(), null))));
    }
}
