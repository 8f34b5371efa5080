package io.k8sm.scheduler.replay;

import io.k8sm.avro.RegistryTask;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What a replay rebuilt.
 *
 * @param shards the rebuilt state, one per shard (input partition number) up to the highest one
 *     that had an input
 * @param read input records read
 * @param applied inputs applied to the state machine (read minus unreadable and filtered)
 * @param unreadable records that cannot be deserialized (the live scheduler dead-letters them)
 * @param skipped records the topology drops (null values but on {@code pods}; invalid timestamps)
 * @param late inputs the live scheduler took out of timestamp order, replayed in its order (its
 *     {@code input-order} journal)
 * @param start the first offset of each input partition
 * @param stop where each input partition's replay ended (the next offset to read): a consumer
 *     group committed there continues where the replay stopped
 * @param warnings why the replay may differ from the live run (deleted history)
 * @param elapsedNanos how long the replay took
 * @param agents the agents seen in offers (for the what-if)
 */
public record ReplayResult(
        List<ReplayShard> shards,
        long read,
        long applied,
        long unreadable,
        long skipped,
        long late,
        Map<String, Long> perTopic,
        Map<TopicPartition, Long> start,
        Map<TopicPartition, Long> stop,
        List<String> warnings,
        long elapsedNanos,
        AgentCatalog agents) {

    /**
     * The input topics' partition count: every input partition has a {@link #stop()}, while {@link
     * #shards()} reaches only the highest partition that had an input.
     */
    public int partitions() {
        return stop.keySet().stream().mapToInt(TopicPartition::partition).max().orElse(-1) + 1;
    }

    /** Input records read per second. */
    public double eventsPerSecond() {
        return Replay.rate(read, elapsedNanos);
    }

    /** The rebuilt registry of every shard: task id → task. */
    public Map<String, RegistryTask> registry() {
        Map<String, RegistryTask> all = new TreeMap<>();
        for (ReplayShard s : shards) {
            all.putAll(s.tasks().view());
        }
        return all;
    }
}
