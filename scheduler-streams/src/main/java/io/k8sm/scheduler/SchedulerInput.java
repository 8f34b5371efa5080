package io.k8sm.scheduler;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskStatus;

/**
 * Everything the scheduler reacts to, one envelope per input topic. The record's event time comes
 * with it to {@link SchedulerStateMachine#apply}; it is the only clock the state machine knows.
 */
public sealed interface SchedulerInput {

    /** The input topic's short name (for dead letters and logs). */
    String source();

    /** The record key (for dead letters and logs). */
    String key();

    /**
     * A pod snapshot from {@code pods}; {@code pod} is null for a tombstone (the pod was deleted).
     */
    record PodUpdate(String podKey, PodSnapshot pod) implements SchedulerInput {
        public String source() {
            return "pods";
        }

        public String key() {
            return podKey;
        }
    }

    record OfferUpdate(String key, OfferEvent event) implements SchedulerInput {
        public String source() {
            return "offers";
        }
    }

    record StatusUpdate(String key, TaskStatus status) implements SchedulerInput {
        public String source() {
            return "task-status";
        }
    }

    record FrameworkUpdate(String key, FrameworkEvent event) implements SchedulerInput {
        public String source() {
            return "framework";
        }
    }

    record LauncherUpdate(String key, LauncherEvent event) implements SchedulerInput {
        public String source() {
            return "launcher-events";
        }
    }

    record Tick(String key, ClockTick tick) implements SchedulerInput {
        public String source() {
            return "clock";
        }
    }

    /** A node snapshot from {@code nodes}; {@code node} is null for a tombstone (the node was deleted). */
    record NodeUpdate(String nodeName, NodeSnapshot node) implements SchedulerInput {
        public String source() {
            return "nodes";
        }

        public String key() {
            return nodeName;
        }
    }
}
