package io.k8sm.scheduler.topology;

import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.util.List;

/**
 * The names of the topics the scheduler reads and writes: the catalogue's short names with the
 * configured prefix ({@code k8sm.} by default).
 */
public record SchedulerTopics(
        String pods,
        String offers,
        String taskStatus,
        String framework,
        String launcherEvents,
        String clock,
        String nodes,
        String launchRequests,
        String mesosCalls,
        String taskRegistry,
        String schedulerEvents,
        String podActions,
        String deadLetters,
        String inputOrder) {

    /** The seven input topics in the topology's merge order, which breaks timestamp ties. */
    public List<String> inputs() {
        return List.of(pods, offers, taskStatus, framework, launcherEvents, clock, nodes);
    }

    /** The names the catalogue gives, so per-topic overrides ({@code topics.pods.name=...}) apply. */
    public static SchedulerTopics from(TopicCatalogue c) {
        return new SchedulerTopics(
                c.name(Topic.PODS),
                c.name(Topic.OFFERS),
                c.name(Topic.TASK_STATUS),
                c.name(Topic.FRAMEWORK),
                c.name(Topic.LAUNCHER_EVENTS),
                c.name(Topic.CLOCK),
                c.name(Topic.NODES),
                c.name(Topic.LAUNCH_REQUESTS),
                c.name(Topic.MESOS_CALLS),
                c.name(Topic.TASK_REGISTRY),
                c.name(Topic.SCHEDULER_EVENTS),
                c.name(Topic.POD_ACTIONS),
                c.name(Topic.DEAD_LETTERS),
                c.name(Topic.INPUT_ORDER));
    }

    public static SchedulerTopics withPrefix(String p) {
        return new SchedulerTopics(
                p + "pods",
                p + "offers",
                p + "task-status",
                p + "framework",
                p + "launcher-events",
                p + "clock",
                p + "nodes",
                p + "launch-requests",
                p + "mesos-calls",
                p + "task-registry",
                p + "scheduler-events",
                p + "pod-actions",
                p + "dead-letters",
                p + "input-order");
    }

    public static SchedulerTopics defaults() {
        return withPrefix("k8sm.");
    }
}
