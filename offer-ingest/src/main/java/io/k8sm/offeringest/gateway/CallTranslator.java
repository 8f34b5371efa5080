package io.k8sm.offeringest.gateway;

import com.google.protobuf.ByteString;
import io.k8sm.avro.Accept;
import io.k8sm.avro.Acknowledge;
import io.k8sm.avro.CommandSpec;
import io.k8sm.avro.Decline;
import io.k8sm.avro.ExecutorSpec;
import io.k8sm.avro.Kill;
import io.k8sm.avro.Launch;
import io.k8sm.avro.LaunchGroup;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Range;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.ReconcileTask;
import io.k8sm.avro.Resource;
import io.k8sm.avro.Revive;
import io.k8sm.avro.Suppress;
import io.k8sm.avro.TaskLaunch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * The Avro {@link MesosCall} records of the mesos-calls topic to v1 scheduler protobuf {@link
 * Call}s (the framework id is filled in by the client when sent). Pure, apart from reading the
 * allocation roles remembered from offers.
 */
public final class CallTranslator {

    /** A call record that cannot become a Mesos call (e.g. an ACCEPT without offers). */
    public static final class UnconvertibleCallException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnconvertibleCallException(String message) {
            super(message);
        }
    }

    private final AllocationRoles roles;

    public CallTranslator(AllocationRoles roles) {
        this.roles = roles;
    }

    /** What the event side remembers (allocation roles, live offers). */
    AllocationRoles memory() {
        return roles;
    }

    /** The ids of the tasks an ACCEPT launches (LAUNCH and LAUNCH_GROUP), in order; empty for other calls. */
    public static List<String> taskIds(MesosCall call) {
        List<String> ids = new ArrayList<>();
        if (call.getCall() instanceof Accept a) {
            for (Object op : a.getOperations()) {
                List<TaskLaunch> tasks =
                        op instanceof Launch l ? l.getTasks() : op instanceof LaunchGroup g ? g.getTasks() : List.of();
                tasks.forEach(t -> ids.add(t.getTaskId()));
            }
        }
        return ids;
    }

    /** The Mesos call type a record asks for (for CallRejected). */
    public static Call.Type type(MesosCall call) {
        Object c = call.getCall();
        if (c instanceof Accept) {
            return Call.Type.ACCEPT;
        } else if (c instanceof Decline) {
            return Call.Type.DECLINE;
        } else if (c instanceof Kill) {
            return Call.Type.KILL;
        } else if (c instanceof Reconcile) {
            return Call.Type.RECONCILE;
        } else if (c instanceof Acknowledge) {
            return Call.Type.ACKNOWLEDGE;
        } else if (c instanceof Revive) {
            return Call.Type.REVIVE;
        } else if (c instanceof Suppress) {
            return Call.Type.SUPPRESS;
        }
        return Call.Type.UNKNOWN;
    }

    public Call toProtobuf(MesosCall call) {
        Object c = call.getCall();
        if (c instanceof Accept a) {
            return accept(a);
        } else if (c instanceof Decline d) {
            if (d.getOfferIds().isEmpty()) {
                throw new UnconvertibleCallException("DECLINE " + call.getCallId() + " has no offer ids");
            }
            Call.Decline.Builder b = Call.Decline.newBuilder().addAllOfferIds(offerIds(d.getOfferIds()));
            if (d.getRefuseSeconds() != null) {
                b.setFilters(Protos.Filters.newBuilder().setRefuseSeconds(d.getRefuseSeconds()));
            }
            return Call.newBuilder().setType(Call.Type.DECLINE).setDecline(b).build();
        } else if (c instanceof Kill k) {
            Call.Kill.Builder b = Call.Kill.newBuilder().setTaskId(taskId(k.getTaskId()));
            if (k.getAgentId() != null) {
                b.setAgentId(agentId(k.getAgentId()));
            }
            return Call.newBuilder().setType(Call.Type.KILL).setKill(b).build();
        } else if (c instanceof Reconcile r) {
            Call.Reconcile.Builder b = Call.Reconcile.newBuilder();
            for (ReconcileTask t : r.getTasks()) {
                Call.Reconcile.Task.Builder tb =
                        Call.Reconcile.Task.newBuilder().setTaskId(taskId(t.getTaskId()));
                if (t.getAgentId() != null) {
                    tb.setAgentId(agentId(t.getAgentId()));
                }
                b.addTasks(tb);
            }
            return Call.newBuilder()
                    .setType(Call.Type.RECONCILE)
                    .setReconcile(b)
                    .build();
        } else if (c instanceof Acknowledge a) {
            return Call.newBuilder()
                    .setType(Call.Type.ACKNOWLEDGE)
                    .setAcknowledge(Call.Acknowledge.newBuilder()
                            .setAgentId(agentId(a.getAgentId()))
                            .setTaskId(taskId(a.getTaskId()))
                            .setUuid(bytes(a.getUuid())))
                    .build();
        } else if (c instanceof Revive r) {
            return Call.newBuilder()
                    .setType(Call.Type.REVIVE)
                    .setRevive(Call.Revive.newBuilder().addAllRoles(r.getRoles()))
                    .build();
        } else if (c instanceof Suppress s) {
            return Call.newBuilder()
                    .setType(Call.Type.SUPPRESS)
                    .setSuppress(Call.Suppress.newBuilder().addAllRoles(s.getRoles()))
                    .build();
        }
        throw new UnconvertibleCallException("call "
                + call.getCallId()
                + " of unknown kind "
                + (c == null ? "null" : c.getClass().getName()));
    }

    private Call accept(Accept a) {
        if (a.getOfferIds().isEmpty()) {
            throw new UnconvertibleCallException("ACCEPT has no offer ids");
        }
        Call.Accept.Builder b = Call.Accept.newBuilder().addAllOfferIds(offerIds(a.getOfferIds()));
        for (Object op : a.getOperations()) {
            if (op instanceof Launch l) {
                Protos.Offer.Operation.Launch.Builder lb = Protos.Offer.Operation.Launch.newBuilder();
                for (TaskLaunch t : l.getTasks()) {
                    lb.addTaskInfos(taskInfo(t, a.getOfferIds(), true));
                }
                b.addOperations(Protos.Offer.Operation.newBuilder()
                        .setType(Protos.Offer.Operation.Type.LAUNCH)
                        .setLaunch(lb));
            } else if (op instanceof LaunchGroup g) {
                Protos.TaskGroupInfo.Builder group = Protos.TaskGroupInfo.newBuilder();
                for (TaskLaunch t : g.getTasks()) {
                    group.addTasks(taskInfo(t, a.getOfferIds(), false));
                }
                // A task group always runs under the agent's DEFAULT executor.
                Protos.ExecutorInfo executor = executor(g.getExecutor(), a.getOfferIds()).toBuilder()
                        .setType(Protos.ExecutorInfo.Type.DEFAULT)
                        .clearCommand()
                        .build();
                b.addOperations(Protos.Offer.Operation.newBuilder()
                        .setType(Protos.Offer.Operation.Type.LAUNCH_GROUP)
                        .setLaunchGroup(Protos.Offer.Operation.LaunchGroup.newBuilder()
                                .setExecutor(executor)
                                .setTaskGroup(group)));
            } else {
                throw new UnconvertibleCallException("ACCEPT with an operation of unknown kind "
                        + (op == null ? "null" : op.getClass().getName()));
            }
        }
        if (a.getFilters() != null && a.getFilters().getRefuseSeconds() != null) {
            b.setFilters(
                    Protos.Filters.newBuilder().setRefuseSeconds(a.getFilters().getRefuseSeconds()));
        }
        return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(b).build();
    }

    private Protos.TaskInfo taskInfo(TaskLaunch t, List<String> offerIds, boolean withExecutor) {
        Protos.TaskInfo.Builder b = Protos.TaskInfo.newBuilder()
                .setName(t.getName())
                .setTaskId(taskId(t.getTaskId()))
                .setAgentId(agentId(t.getAgentId()));
        for (Resource r : t.getResources()) {
            b.addResources(resource(r, offerIds));
        }
        t.getLimits()
                .forEach((name, limit) -> b.putLimits(
                        name, Protos.Value.Scalar.newBuilder().setValue(limit).build()));
        if (withExecutor && t.getExecutor() != null) {
            b.setExecutor(executor(t.getExecutor(), offerIds));
        } else if (withExecutor) {
            b.setCommand(Protos.CommandInfo.newBuilder().setShell(false));
        }
        if (t.getContainerImage() != null) {
            b.setContainer(Protos.ContainerInfo.newBuilder()
                    .setType(Protos.ContainerInfo.Type.MESOS)
                    .setMesos(Protos.ContainerInfo.MesosInfo.newBuilder()
                            .setImage(Protos.Image.newBuilder()
                                    .setType(Protos.Image.Type.DOCKER)
                                    .setDocker(Protos.Image.Docker.newBuilder().setName(t.getContainerImage())))));
        }
        if (t.getData() != null && t.getData().remaining() > 0) {
            b.setData(bytes(t.getData()));
        }
        if (!t.getLabels().isEmpty()) {
            Protos.Labels.Builder lb = Protos.Labels.newBuilder();
            t.getLabels().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> lb.addLabels(
                            Protos.Label.newBuilder().setKey(e.getKey()).setValue(e.getValue())));
            b.setLabels(lb);
        }
        return b.build();
    }

    private Protos.ExecutorInfo executor(ExecutorSpec e, List<String> offerIds) {
        Protos.ExecutorInfo.Builder b = Protos.ExecutorInfo.newBuilder()
                .setExecutorId(Protos.ExecutorID.newBuilder().setValue(e.getExecutorId()))
                .setType(
                        switch (e.getType()) {
                            case DEFAULT -> Protos.ExecutorInfo.Type.DEFAULT;
                            case CUSTOM -> Protos.ExecutorInfo.Type.CUSTOM;
                        });
        for (Resource r : e.getResources()) {
            b.addResources(resource(r, offerIds));
        }
        if (e.getCommand() != null) {
            b.setCommand(command(e.getCommand()));
        }
        return b.build();
    }

    private static Protos.CommandInfo command(CommandSpec c) {
        Protos.CommandInfo.Builder b =
                Protos.CommandInfo.newBuilder().setShell(c.getShell()).addAllArguments(c.getArguments());
        if (c.getValue() != null) {
            b.setValue(c.getValue());
        }
        if (!c.getEnvironment().isEmpty()) {
            Protos.Environment.Builder env = Protos.Environment.newBuilder();
            c.getEnvironment().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(v -> env.addVariables(Protos.Environment.Variable.newBuilder()
                            .setName(v.getKey())
                            .setValue(v.getValue())));
            b.setEnvironment(env);
        }
        for (String uri : c.getUris()) {
            b.addUris(Protos.CommandInfo.URI.newBuilder().setValue(uri));
        }
        return b.build();
    }

    /** Pre-reservation-refinement format (the framework does not declare RESERVATION_REFINEMENT). */
    Protos.Resource resource(Resource r, List<String> offerIds) {
        Protos.Resource.Builder b = Protos.Resource.newBuilder().setName(r.getName());
        switch (r.getType()) {
            case SCALAR ->
                b.setType(Protos.Value.Type.SCALAR)
                        .setScalar(
                                Protos.Value.Scalar.newBuilder().setValue(r.getScalar() == null ? 0 : r.getScalar()));
            case RANGES -> {
                Protos.Value.Ranges.Builder rb = Protos.Value.Ranges.newBuilder();
                for (Range range : r.getRanges()) {
                    rb.addRange(Protos.Value.Range.newBuilder()
                            .setBegin(range.getBegin())
                            .setEnd(range.getEnd()));
                }
                b.setType(Protos.Value.Type.RANGES).setRanges(rb);
            }
            case SET ->
                b.setType(Protos.Value.Type.SET)
                        .setSet(Protos.Value.Set.newBuilder().addAllItem(r.getSet()));
            case TEXT -> throw new UnconvertibleCallException("resource " + r.getName() + " of type TEXT");
        }
        String role = r.getRole() == null ? "*" : r.getRole();
        if (!"*".equals(role)) {
            b.setRole(role);
            if (r.getReservationPrincipal() != null) {
                b.setReservation(
                        Protos.Resource.ReservationInfo.newBuilder().setPrincipal(r.getReservationPrincipal()));
            }
        }
        b.setAllocationInfo(Protos.Resource.AllocationInfo.newBuilder().setRole(roles.allocationRole(offerIds, role)));
        return b.build();
    }

    private static List<Protos.OfferID> offerIds(List<String> ids) {
        return ids.stream()
                .map(id -> Protos.OfferID.newBuilder().setValue(id).build())
                .toList();
    }

    private static Protos.TaskID taskId(String id) {
        return Protos.TaskID.newBuilder().setValue(id).build();
    }

    private static Protos.AgentID agentId(String id) {
        return Protos.AgentID.newBuilder().setValue(id).build();
    }

    private static ByteString bytes(ByteBuffer b) {
        return ByteString.copyFrom(b.duplicate());
    }
}
