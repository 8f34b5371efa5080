package io.k8sm.scheduler.outputs;

import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.InputOrder;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEvent;

/**
 * Every decision of the scheduler, one variant per output topic; {@link #key()} is the record key.
 */
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

    /**
     * The registry entry after a change; {@code task} is null when the task was removed (tombstone).
     */
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

    /**
     * An input that was readable but made no sense; the topology turns it into a {@link DeadLettered}
     * with the input's coordinates and the reason.
     */
    record Rejected(String sourceTopic, String key, String reason) implements SchedulerOutput {}

    /**
     * A dead letter in the shared format, keyed {@code topic/partition/offset} of the input it is
     * about; built by the topology (which knows the coordinates) from a {@link Rejected}.
     */
    record DeadLettered(String key, DeadLetter letter) implements SchedulerOutput {}

    /**
     * That the processor took an input out of the replay's canonical order, keyed {@code
     * topic/partition/offset} of that input; written by the topology, not the state machine.
     */
    record OutOfOrder(String key, InputOrder order) implements SchedulerOutput {}
}
