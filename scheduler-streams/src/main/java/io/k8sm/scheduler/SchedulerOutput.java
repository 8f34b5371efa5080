package io.k8sm.scheduler;

import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEvent;

/** Every decision of the scheduler, one variant per output topic; {@link #key()} is the record key. */
public sealed interface SchedulerOutput {

  String key();

  record Launch(LaunchRequest request) implements SchedulerOutput {
    public String key() {
      return request.getTaskId();
    }
  }

  record Call(MesosCall call) implements SchedulerOutput {
    public String key() {
      return call.getCallId();
    }
  }

  /** The registry entry after a change; {@code task} is null when the task was removed (tombstone). */
  record Registry(String taskId, RegistryTask task) implements SchedulerOutput {
    public String key() {
      return taskId;
    }
  }

  record Event(SchedulerEvent event) implements SchedulerOutput {
    public String key() {
      return event.getPodKey();
    }
  }

  record Action(PodAction action) implements SchedulerOutput {
    public String key() {
      return action.getPodKey();
    }
  }

  /** An input that was readable but made no sense; goes to dead-letters with the reason. */
  record Rejected(String sourceTopic, String key, String reason) implements SchedulerOutput { }
}
