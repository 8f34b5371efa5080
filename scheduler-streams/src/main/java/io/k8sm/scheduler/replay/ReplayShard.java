package io.k8sm.scheduler.replay;

import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.SchedulerState;
import io.k8sm.scheduler.SchedulerStateMachine;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.queue.QueueEntry;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.topology.InputOrderJournal;
import io.k8sm.scheduler.topology.SchedulerStores;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scheduling shard rebuilt: the same {@link SchedulerStateMachine} the topology's processor
 * drives, over heap stores ({@link HeapKv}) instead of Kafka Streams stores, and the processor's
 * own {@link InputOrderJournal} position, which the live processor would hold after the same
 * inputs. Its decisions are counted, never written anywhere.
 */
public final class ReplayShard {

    private final int shard;
    private final HeapKv<RegistryTask> tasks = HeapKv.indexed();
    private final HeapKv<String> podIndex = HeapKv.indexed();
    private final HeapKv<String> finishedRing = HeapKv.indexed();
    private final HeapKv<PodSnapshot> pods = HeapKv.indexed();
    private final HeapKv<LiveOffer> offers = HeapKv.indexed();
    private final HeapKv<QueueEntry> queue = HeapKv.scanned();
    private final HeapKv<String> reconcilePending = HeapKv.indexed();
    private final HeapKv<Long> meta = HeapKv.scanned();
    private final HeapKv<NodeSnapshot> nodes = HeapKv.indexed();
    private final HeapKv<String> inputOrder = HeapKv.indexed();
    private final InputOrderJournal journal;
    private final SchedulerStateMachine machine;
    private final Map<String, Long> outputs = new TreeMap<>();
    private long applied;

    /** @param inputs the input topics in the topology's merge order (as the processor's journal has them) */
    public ReplayShard(int shard, SchedulerSettings settings, Matcher matcher, List<String> inputs) {
        this.shard = shard;
        this.journal = new InputOrderJournal(inputs, inputOrder);
        this.machine = new SchedulerStateMachine(
                settings,
                new SchedulerState(tasks, podIndex, finishedRing, pods, offers, queue, reconcilePending, meta, nodes),
                matcher);
    }

    /**
     * Applies one input read at {@code topic}/{@code offset} of this shard's partition, as the
     * processor does: its journal position first, then the state machine; counts the decisions by
     * output topic.
     */
    public List<SchedulerOutput> apply(SchedulerInput input, long timestamp, String topic, long offset) {
        journal.processing(topic, shard, offset, timestamp);
        List<SchedulerOutput> out = machine.apply(input, timestamp);
        applied++;
        for (SchedulerOutput o : out) {
            outputs.merge(outputName(o), 1L, Long::sum);
        }
        return out;
    }

    static String outputName(SchedulerOutput o) {
        if (o instanceof SchedulerOutput.Launch) {
            return "launch-requests";
        } else if (o instanceof SchedulerOutput.Call) {
            return "mesos-calls";
        } else if (o instanceof SchedulerOutput.Registry) {
            return "task-registry";
        } else if (o instanceof SchedulerOutput.Event) {
            return "scheduler-events";
        } else if (o instanceof SchedulerOutput.Action) {
            return "pod-actions";
        }
        return "dead-letters";
    }

    public int shard() {
        return shard;
    }

    /** Inputs applied. */
    public long applied() {
        return applied;
    }

    /** Decisions taken, by the output topic they would have gone to. */
    public Map<String, Long> outputs() {
        return Map.copyOf(outputs);
    }

    public HeapKv<RegistryTask> tasks() {
        return tasks;
    }

    public HeapKv<PodSnapshot> pods() {
        return pods;
    }

    public HeapKv<LiveOffer> offers() {
        return offers;
    }

    public HeapKv<QueueEntry> queue() {
        return queue;
    }

    public HeapKv<Long> meta() {
        return meta;
    }

    /** The processor's journal position ({@link SchedulerStores#INPUT_ORDER}): not the scheduler's state. */
    public HeapKv<String> inputOrder() {
        return inputOrder;
    }

    /**
     * Every store the processor owns by its topology name ({@link SchedulerStores#PROCESSOR_STORES}
     * order): {@link #stores()} and {@link #inputOrder()}. What a scheduler restores to go on from here.
     */
    public Map<String, HeapKv<?>> processorStores() {
        Map<String, HeapKv<?>> m = stores();
        m.put(SchedulerStores.INPUT_ORDER, inputOrder);
        return m;
    }

    /** Every store of the scheduler's state by its topology name ({@link SchedulerStores#ALL} order). */
    public Map<String, HeapKv<?>> stores() {
        Map<String, HeapKv<?>> m = new LinkedHashMap<>();
        m.put(SchedulerStores.TASKS, tasks);
        m.put(SchedulerStores.POD_INDEX, podIndex);
        m.put(SchedulerStores.FINISHED_RING, finishedRing);
        m.put(SchedulerStores.PODS, pods);
        m.put(SchedulerStores.OFFERS, offers);
        m.put(SchedulerStores.QUEUE, queue);
        m.put(SchedulerStores.RECONCILE_PENDING, reconcilePending);
        m.put(SchedulerStores.META, meta);
        m.put(SchedulerStores.NODES, nodes);
        return m;
    }
}
