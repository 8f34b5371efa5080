package io.k8sm.sandbox.mesos;

/**
 * One task launch the simulated master executed (an accepted LAUNCH / LAUNCH_GROUP task), in the
 * order they happened: the master's own record, for checks such as "no task id launched twice".
 *
 * @param seq 1 for the first launch, then 2, 3, ...
 * @param taskName the TaskInfo's name (k8sm's launcher names tasks {@code NAME.NAMESPACE.pod})
 */
public record SimulatedLaunch(long seq, String taskId, String agentId, String taskName) {}
