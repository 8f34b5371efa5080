package io.k8sm.sandbox.mesos;

import static io.k8sm.sandbox.mesos.MesosMasterSimulator.DEFAULT_REFUSE_SECONDS;

import com.google.protobuf.ByteString;
import io.k8sm.sandbox.mesos.MasterState.AgentState;
import io.k8sm.sandbox.mesos.MasterState.Framework;
import io.k8sm.sandbox.mesos.MasterState.OfferRec;
import io.k8sm.sandbox.mesos.MasterState.TaskRec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task lifecycle: ACCEPT (validating the offers, launching LAUNCH / LAUNCH_GROUP tasks
 * atomically), the simulated executor's STAGING -> STARTING -> RUNNING, KILL, reconciliation, and
 * reliable status updates (a uuid, retried until acknowledged, one at a time per task). Loop thread only.
 */
final class TaskLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(MesosMasterSimulator.class);

    private final MasterState m;

    TaskLifecycle(MasterState m) {
        this.m = m;
    }

    void accept(Call.Accept accept) {
        Framework f = m.framework;
        List<TaskInfo> taskInfos = new ArrayList<>();
        List<List<TaskInfo>> groups = new ArrayList<>();
        Map<TaskID, ExecutorInfo> executors = new HashMap<>();
        for (Offer.Operation op : accept.getOperationsList()) {
            switch (op.getType()) {
                case LAUNCH -> taskInfos.addAll(op.getLaunch().getTaskInfosList());
                case LAUNCH_GROUP -> {
                    List<TaskInfo> group = new ArrayList<>();
                    for (TaskInfo t : op.getLaunchGroup().getTaskGroup().getTasksList()) {
                        executors.put(t.getTaskId(), op.getLaunchGroup().getExecutor());
                        group.add(t);
                    }
                    groups.add(group);
                }
                default -> LOG.info("ignoring operation {} (not simulated)", op.getType());
            }
        }
        // Every offer must be outstanding and on one agent; otherwise no task is launched at all.
        String invalid = null;
        String agentId = null;
        SimResources available = SimResources.EMPTY;
        for (OfferID id : accept.getOfferIdsList()) {
            OfferRec o = f.offers.get(id.getValue());
            if (o == null) {
                invalid = "Offer " + id.getValue() + " is no longer valid";
                break;
            }
            if (agentId != null && !agentId.equals(o.agentId())) {
                invalid = "Aggregated offers must belong to one single agent";
                break;
            }
            agentId = o.agentId();
            available = available.plus(o.resources());
        }
        if (accept.getOfferIdsCount() == 0) {
            invalid = "No offers specified";
        }
        double refuse = accept.hasFilters() ? accept.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS;
        if (invalid != null) {
            for (OfferID id : accept.getOfferIdsList()) {
                if (f.offers.containsKey(id.getValue())) {
                    m.allocator.recoverOffer(id.getValue(), 0);
                }
            }
            List<TaskInfo> all = new ArrayList<>(taskInfos);
            groups.forEach(all::addAll);
            TaskState state = f.partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
            for (TaskInfo t : all) {
                m.send(updateEvent(masterStatus(
                        t.getTaskId(),
                        t.getAgentId().getValue(),
                        state,
                        TaskStatus.Reason.REASON_INVALID_OFFERS,
                        "Task launched with invalid offers: " + invalid)));
            }
            return;
        }
        accept.getOfferIdsList().forEach(id -> f.offers.remove(id.getValue()));
        AgentState agent = m.agents.get(agentId);
        SimResources left = available;
        for (TaskInfo t : taskInfos) {
            left = launchAll(agent, List.of(t), executors, left);
        }
        for (List<TaskInfo> group : groups) {
            left = launchAll(agent, group, executors, left);
        }
        // Resources of the offers that no task used go back to the agent, under the accept's filter.
        if (refuse > 0) {
            f.filterUntilNanos.put(agentId, System.nanoTime() + (long) (refuse * 1e9));
        }
    }

    /** Launches the tasks atomically (a LAUNCH_GROUP is all or nothing); returns what is left. */
    SimResources launchAll(
            AgentState agent, List<TaskInfo> group, Map<TaskID, ExecutorInfo> groupExecutors, SimResources available) {
        String error = null;
        SimResources need = SimResources.EMPTY;
        Set<String> seen = new HashSet<>();
        for (TaskInfo t : group) {
            String id = t.getTaskId().getValue();
            TaskRec existing = m.tasks.get(id);
            if (existing != null && !existing.terminal() || !seen.add(id)) {
                error = "Task " + id + " has duplicate ID";
            } else if (!t.getAgentId().getValue().equals(agent.agent.id())) {
                error = "Task uses agent " + t.getAgentId().getValue() + " but its offer is for " + agent.agent.id();
            }
            need = need.plus(SimResources.fromProto(t.getResourcesList()));
            ExecutorInfo exec = t.hasExecutor() ? t.getExecutor() : groupExecutors.get(t.getTaskId());
            if (exec != null && !agent.executors.contains(exec.getExecutorId().getValue())) {
                need = need.plus(SimResources.fromProto(exec.getResourcesList()));
            }
        }
        if (error == null && !available.contains(need)) {
            error = "Task uses more resources " + need + " than available " + available;
        }
        for (TaskInfo t : group) {
            if (error != null) {
                TaskStatus.Reason reason = group.size() > 1
                        ? TaskStatus.Reason.REASON_TASK_GROUP_INVALID
                        : TaskStatus.Reason.REASON_TASK_INVALID;
                m.send(updateEvent(masterStatus(t.getTaskId(), agent.agent.id(), TaskState.TASK_ERROR, reason, error)));
                continue;
            }
            ExecutorInfo exec = t.hasExecutor() ? t.getExecutor() : groupExecutors.get(t.getTaskId());
            TaskRec rec = new TaskRec(
                    t,
                    agent.agent.id(),
                    exec == null ? null : exec.getExecutorId().getValue(),
                    SimResources.fromProto(t.getResourcesList()));
            m.tasks.put(rec.taskId(), rec);
            m.launchLog.add(new SimulatedLaunch(m.launched.incrementAndGet(), rec.taskId(), rec.agentId, t.getName()));
            if (exec != null) {
                agent.executors.add(exec.getExecutorId().getValue());
            }
            rec.state = TaskState.TASK_STAGING;
            if (m.cfg.emitStagingUpdate) {
                enqueue(rec, TaskState.TASK_STAGING, null, TaskStatus.Source.SOURCE_AGENT, null);
            }
            m.schedule(m.cfg.startingAfter, () -> {
                if (rec.state == TaskState.TASK_STAGING) {
                    transition(rec, TaskState.TASK_STARTING, null, TaskStatus.Source.SOURCE_EXECUTOR, null, true);
                }
            });
            m.schedule(m.cfg.runningAfter, () -> {
                if (rec.state == TaskState.TASK_STAGING || rec.state == TaskState.TASK_STARTING) {
                    transition(rec, TaskState.TASK_RUNNING, null, TaskStatus.Source.SOURCE_EXECUTOR, null, true);
                    m.faults.maybeInjectFault(rec);
                }
            });
        }
        if (error != null) {
            return available;
        }
        agent.used = agent.used.plus(need);
        return available.minus(need);
    }

    void kill(Call.Kill kill) {
        TaskRec t = m.tasks.get(kill.getTaskId().getValue());
        if (t == null || t.terminal()) {
            String agent = kill.hasAgentId() ? kill.getAgentId().getValue() : null;
            TaskState state = m.framework.partitionAware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
            m.send(updateEvent(masterStatus(
                    kill.getTaskId(),
                    agent,
                    state,
                    TaskStatus.Reason.REASON_RECONCILIATION,
                    "Attempted to kill an unknown task")));
            return;
        }
        transition(t, TaskState.TASK_KILLED, null, TaskStatus.Source.SOURCE_EXECUTOR, "killed by the framework", true);
    }

    void acknowledge(Call.Acknowledge ack) {
        TaskRec t = m.tasks.get(ack.getTaskId().getValue());
        if (t == null || t.pending.isEmpty()) {
            return;
        }
        if (t.pending.peekFirst().getUuid().equals(ack.getUuid())) {
            t.pending.removeFirst();
            t.headSentNanos = 0;
            sendHead(t);
        }
    }

    void reconcile(List<Call.Reconcile.Task> wanted) {
        if (wanted.isEmpty()) {
            for (TaskRec t : m.tasks.values()) {
                if (!t.terminal() || !t.pending.isEmpty()) {
                    m.send(updateEvent(t.reconciliationStatus()));
                }
            }
            return;
        }
        for (Call.Reconcile.Task w : wanted) {
            TaskRec t = m.tasks.get(w.getTaskId().getValue());
            if (t != null && (!t.terminal() || !t.pending.isEmpty())) {
                m.send(updateEvent(t.reconciliationStatus()));
            } else {
                TaskState state = m.framework.partitionAware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
                m.send(updateEvent(masterStatus(
                        w.getTaskId(),
                        w.hasAgentId() ? w.getAgentId().getValue() : null,
                        state,
                        TaskStatus.Reason.REASON_RECONCILIATION,
                        "Reconciliation: Task is unknown")));
            }
        }
    }

    // ------------------------------------------------------------------ status updates (loop thread)

    /**
     * Moves the task to {@code state}. With {@code reliable}, the update carries a uuid and is
     * retried until acknowledged (agent/executor-generated); otherwise it is a master-generated
     * update without uuid, sent once.
     */
    void transition(
            TaskRec t,
            TaskState state,
            TaskStatus.Reason reason,
            TaskStatus.Source source,
            String message,
            boolean reliable) {
        t.state = state;
        t.reason = reason;
        if (t.terminal()) {
            AgentState a = m.agents.get(t.agentId);
            a.used = a.used.minus(t.resources);
        }
        if (reliable) {
            enqueue(t, state, reason, source, message);
        } else {
            m.send(updateEvent(t.status(state, reason, source, message, null)));
        }
    }

    void enqueue(TaskRec t, TaskState state, TaskStatus.Reason reason, TaskStatus.Source source, String message) {
        byte[] uuid = new byte[16];
        m.random.nextBytes(uuid);
        t.pending.addLast(t.status(state, reason, source, message, ByteString.copyFrom(uuid)));
        if (t.pending.size() == 1) {
            sendHead(t);
        }
    }

    void sendHead(TaskRec t) {
        TaskStatus head = t.pending.peekFirst();
        if (head == null || m.framework == null || m.framework.stream == null || m.framework.stream.stalled) {
            return;
        }
        t.headSentNanos = System.nanoTime();
        m.send(updateEvent(head));
    }

    void retryUpdates() {
        long now = System.nanoTime();
        long retry = m.cfg.statusUpdateRetryInterval.toNanos();
        for (TaskRec t : m.tasks.values()) {
            if (!t.pending.isEmpty() && (t.headSentNanos == 0 || now - t.headSentNanos >= retry)) {
                sendHead(t);
            }
        }
    }

    TaskStatus masterStatus(TaskID taskId, String agentId, TaskState state, TaskStatus.Reason reason, String message) {
        TaskStatus.Builder b = TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(mapState(state))
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setTimestamp(System.currentTimeMillis() / 1000.0);
        if (agentId != null && !agentId.isEmpty()) {
            b.setAgentId(AgentID.newBuilder().setValue(agentId));
        }
        if (reason != null) {
            b.setReason(reason);
        }
        if (message != null) {
            b.setMessage(message);
        }
        return b.build();
    }

    /** A framework that is not PARTITION_AWARE sees TASK_LOST in place of the newer states. */
    TaskState mapState(TaskState s) {
        if (m.framework != null && m.framework.partitionAware) {
            return s;
        }
        return switch (s) {
            case TASK_DROPPED, TASK_UNREACHABLE, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNKNOWN -> TaskState.TASK_LOST;
            default -> s;
        };
    }

    static Event updateEvent(TaskStatus status) {
        return Event.newBuilder()
                .setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(status))
                .build();
    }
}
