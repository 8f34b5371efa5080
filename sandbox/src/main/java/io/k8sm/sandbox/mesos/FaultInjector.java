package io.k8sm.sandbox.mesos;

import io.k8sm.sandbox.mesos.MasterState.AgentState;
import io.k8sm.sandbox.mesos.MasterState.TaskRec;
import java.util.ArrayList;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection: random executor failures after RUNNING (the builder's fault rates), and the faults
 * tests ask for — a failed task, a lost agent, a dropped or stalled stream, malformed bytes.
 */
final class FaultInjector {
    private static final Logger LOG = LoggerFactory.getLogger(MesosMasterSimulator.class);

    private final MasterState m;
    private final java.util.concurrent.atomic.AtomicInteger failCalls = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger dropCalls = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int failStatus = 503;

    FaultInjector(MasterState m) {
        this.m = m;
    }

    void maybeInjectFault(TaskRec rec) {
        double r = m.random.nextDouble();
        double acc = 0;
        for (Map.Entry<TaskState, Double> e : m.cfg.faultRates.entrySet()) {
            acc += e.getValue();
            if (r < acc) {
                TaskState state = e.getKey();
                TaskStatus.Reason reason = switch (state) {
                    case TASK_FAILED -> TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED;
                    case TASK_LOST -> TaskStatus.Reason.REASON_EXECUTOR_TERMINATED;
                    case TASK_ERROR -> TaskStatus.Reason.REASON_TASK_INVALID;
                    default -> null;
                };
                m.schedule(m.cfg.faultAfter, () -> {
                    if (!rec.terminal()) {
                        m.lifecycle.transition(
                                rec,
                                state,
                                reason,
                                TaskStatus.Source.SOURCE_EXECUTOR,
                                "fault injected by the simulator",
                                true);
                    }
                });
                return;
            }
        }
    }

    /** Moves a task to a terminal (or any) state, as its executor would report it. */
    void failTask(String taskId, TaskState state, TaskStatus.Reason reason) {
        m.onLoop(() -> {
            TaskRec t = m.tasks.get(taskId);
            if (t == null) {
                throw new IllegalArgumentException("unknown task " + taskId);
            }
            if (!t.terminal()) {
                m.lifecycle.transition(
                        t, state, reason, TaskStatus.Source.SOURCE_EXECUTOR, "injected by the simulator", true);
            }
            return null;
        });
    }

    /**
     * The agent is removed: its offer rescinded, its live tasks LOST (REASON_AGENT_REMOVED), FAILURE.
     */
    void loseAgent(String agentId) {
        m.onLoop(() -> {
            AgentState a = m.agents.get(agentId);
            if (a == null || a.removed) {
                throw new IllegalArgumentException("unknown agent " + agentId);
            }
            a.removed = true;
            if (m.framework != null) {
                new ArrayList<>(m.framework.offers.values())
                        .stream()
                                .filter(o -> o.agentId().equals(agentId))
                                .forEach(o -> m.allocator.rescind(o.offerId()));
                m.send(Event.newBuilder()
                        .setType(Event.Type.FAILURE)
                        .setFailure(Event.Failure.newBuilder()
                                .setAgentId(AgentID.newBuilder().setValue(agentId)))
                        .build());
            }
            for (TaskRec t : m.tasks.values()) {
                if (t.agentId.equals(agentId) && !t.terminal()) {
                    TaskState lost = m.framework != null && m.framework.partitionAware
                            ? TaskState.TASK_GONE
                            : TaskState.TASK_LOST;
                    m.lifecycle.transition(
                            t,
                            lost,
                            TaskStatus.Reason.REASON_AGENT_REMOVED,
                            TaskStatus.Source.SOURCE_MASTER,
                            "Agent " + agentId + " removed",
                            false);
                }
            }
            return null;
        });
    }

    /** Closes the subscription stream, as a master failover or a broken connection would. */
    void dropStream() {
        m.onLoop(() -> {
            if (m.framework != null && m.framework.stream != null) {
                LOG.info("dropping the subscription stream {}", m.framework.stream.id);
                m.disconnect(m.framework.stream);
            }
            return null;
        });
    }

    /**
     * Keeps the subscription connection open but stops writing anything to it (a network partition):
     * no heartbeats, offers or updates until the framework subscribes again.
     */
    void stallStream() {
        m.onLoop(() -> {
            if (m.framework != null && m.framework.stream != null) {
                m.framework.stream.stalled = true;
            }
            return null;
        });
    }

    /** Writes raw bytes into the subscription stream (for malformed-frame tests). */
    void sendRaw(byte[] bytes) {
        m.onLoop(() -> {
            if (m.framework != null && m.framework.stream != null) {
                m.framework.stream.writeRaw(bytes);
            }
            return null;
        });
    }

    /** Writes one well-framed record with arbitrary content (e.g. an event of an unknown type). */
    void sendRecord(byte[] record) {
        m.onLoop(() -> {
            if (m.framework != null && m.framework.stream != null) {
                m.framework.stream.writeRaw(EventStream.frame(record));
            }
            return null;
        });
    }

    /** The next {@code n} calls (not SUBSCRIBE) are answered {@code status} and not executed. */
    void failNextCalls(int n, int status) {
        failStatus = status;
        failCalls.set(n);
    }

    /** The next {@code n} calls (not SUBSCRIBE) are not executed and their connection closed unanswered. */
    void dropNextCalls(int n) {
        dropCalls.set(n);
    }

    /** The HTTP status to answer a call with instead of executing it, 0 to execute it, -1 to drop it. */
    int callFault() {
        if (dropCalls.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
            return -1;
        }
        return failCalls.getAndUpdate(v -> Math.max(0, v - 1)) > 0 ? failStatus : 0;
    }
}
