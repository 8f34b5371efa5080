package io.k8sm.sandbox.mesos;

import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * A snapshot of one task as the simulated master sees it.
 *
 * @param reason the reason of the latest state, {@code null} when it has none
 * @param executorId {@code null} for a command task without executor
 * @param unacknowledgedUpdates status updates with a uuid still waiting for ACKNOWLEDGE
 */
public record SimulatedTask(
        String taskId,
        String agentId,
        String executorId,
        TaskState state,
        TaskStatus.Reason reason,
        int unacknowledgedUpdates) {

    public boolean terminal() {
        return MesosMasterSimulator.isTerminal(state);
    }
}
