package io.k8sm.scheduler.topology;

import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import java.util.List;

/**
 * Watches the scheduling processor work, for metrics: it is told of each input and of the outputs
 * the state machine decided for it. An observer only: the processor never asks it anything, so it
 * cannot change a decision, and replaying the same inputs writes the same bytes with or without one.
 */
public interface SchedulerObserver {

    /** Observes nothing (tests, the replay). */
    SchedulerObserver NONE = new SchedulerObserver() {};

    /** Before the state machine sees {@code input}. */
    default void before(SchedulerInput input) {}

    /** After the state machine decided {@code outputs} for {@code input} (before they are forwarded). */
    default void after(SchedulerInput input, List<SchedulerOutput> outputs) {}
}
