package io.k8sm.scheduler.topology;

/**
 * The names of the topics the scheduler reads and writes: the catalogue's short names with the
 * configured prefix ({@code k8sm.} by default).
 */
public record SchedulerTopics(String pods, String offers, String taskStatus, String framework, String launcherEvents,
                              String clock, String launchRequests, String mesosCalls, String taskRegistry,
                              String schedulerEvents, String podActions, String deadLetters) {

  public static SchedulerTopics withPrefix(String p) {
    return new SchedulerTopics(p + "pods", p + "offers", p + "task-status", p + "framework", p + "launcher-events",
        p + "clock", p + "launch-requests", p + "mesos-calls", p + "task-registry", p + "scheduler-events",
        p + "pod-actions", p + "dead-letters");
  }

  public static SchedulerTopics defaults() {
    return withPrefix("k8sm.");
  }
}
