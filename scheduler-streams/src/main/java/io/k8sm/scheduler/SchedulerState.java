package io.k8sm.scheduler;

import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.queue.QueueEntry;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.state.MapKv;

/**
 * All the state of one scheduling shard. In the topology each field is a persistent, changelogged
 * state store (see {@code topology.SchedulerStores}); in pure tests, sorted maps.
 *
 * @param tasks the task registry: task id → task
 * @param podIndex the registry's second index: pod key → task id
 * @param finishedRing the ring of the last finished tasks: slot → task id
 * @param pods the latest pod snapshot per pod key (for reconciliation and placement)
 * @param offers offer id → live (or lingering) offer
 * @param queue pod key → pending queue entry with backoff
 * @param reconcilePending task id → agent id (or "") of tasks an explicit reconciliation still
 *     waits for
 * @param meta counters and clocks: the scheduler's now, sequence numbers, reconciliation times
 * @param nodes the latest Kubernetes node snapshot per node name (taints, cordon)
 */
public record SchedulerState(
        Kv<String, RegistryTask> tasks,
        Kv<String, String> podIndex,
        Kv<String, String> finishedRing,
        Kv<String, PodSnapshot> pods,
        Kv<String, LiveOffer> offers,
        Kv<String, QueueEntry> queue,
        Kv<String, String> reconcilePending,
        Kv<String, Long> meta,
        Kv<String, NodeSnapshot> nodes) {

    /** In-memory state, for pure tests. */
    public static SchedulerState inMemory() {
        return new SchedulerState(
                new MapKv<>(),
                new MapKv<>(),
                new MapKv<>(),
                new MapKv<>(),
                new MapKv<>(),
                new MapKv<>(),
                new MapKv<>(),
                new MapKv<>(),
                new MapKv<>());
    }
}
