package io.k8sm.scheduler;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskStatus;

/**
 * Everything the scheduler reacts to, one envelope per input topic. {@code timestamp} is the
 * record's event time; it is the only clock the state machine knows.
 */
public sealed interface SchedulerInput {

  long timestamp();

  /** A pod snapshot from {@code pods}; {@code pod} is null for a tombstone (the pod was deleted). */
  record PodUpdate(String podKey, PodSnapshot pod, long timestamp) implements SchedulerInput { }

  record OfferUpdate(OfferEvent event, long timestamp) implements SchedulerInput { }

  record StatusUpdate(TaskStatus status, long timestamp) implements SchedulerInput { }

  record FrameworkUpdate(FrameworkEvent event, long timestamp) implements SchedulerInput { }

  record LauncherUpdate(LauncherEvent event, long timestamp) implements SchedulerInput { }

  record Tick(ClockTick tick, long timestamp) implements SchedulerInput { }
}
