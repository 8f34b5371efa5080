package io.k8sm.scheduler.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.InputOrder;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.replay.ReplayDriver.Out;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live scheduler takes some inputs later than their timestamps say (a transaction committed
 * late, a fetch lagged); its input-order journal lets a replay, which only sees the records'
 * timestamps and offsets, take every input in exactly the live order. {@code ReplayDeterminismTest}'s
 * recorded stream, with its late records, goes through the topology; the journal it writes and the
 * records, per partition, go through the replay's merge.
 */
class ReplayFollowsTheLiveOrderTest {

    private static final SchedulerTopics TOPICS = SchedulerTopics.defaults();
    private static final SchedulerSerdes SERDES = SchedulerSerdes.registryFree();

    private record Taken(String topic, long offset) {}

    @Test
    void theMergeWithTheJournalTakesTheInputsInTheOrderTheTopologyTookThem(@TempDir Path dir) {
        List<RecordedStream.Event> stream = RecordedStream.generate(20261202L, 5_000, TOPICS, SERDES);
        List<Out> journal;
        try (ReplayDriver d = new ReplayDriver(TOPICS, SERDES, SchedulerStores.Kind.IN_MEMORY, dir)) {
            d.pipe(stream);
            journal = d.drain(TOPICS.inputOrder());
        }
        InputDecoder decoder = new InputDecoder(TOPICS, SERDES);
        Map<TopicPartition, Map<Long, InputOrderLog.After>> hints = new HashMap<>();
        for (Out o : journal) {
            InputOrder order = decoder.decodeOrder(new RecordHeaders(), o.value());
            hints.computeIfAbsent(new TopicPartition(order.getTopic(), 0), k -> new HashMap<>())
                    .put(order.getOffset(), new InputOrderLog.After(order.getAfterTopic(), order.getAfterOffset()));
        }
        assertTrue(journal.size() > 10, "the recorded stream has late records: " + journal.size());

        List<Taken> live = new ArrayList<>();
        Map<TopicPartition, ArrayDeque<InputMerge.Entry>> buffers = new HashMap<>();
        Map<String, Long> offsets = new HashMap<>();
        for (String t : decoder.topics()) {
            buffers.put(new TopicPartition(t, 0), new ArrayDeque<>());
        }
        for (RecordedStream.Event e : stream) {
            long offset = offsets.merge(e.topic(), 1L, Long::sum) - 1;
            SchedulerInput in = decoder.decode(
                    decoder.topics().indexOf(e.topic()),
                    new RecordHeaders(),
                    e.key().getBytes(StandardCharsets.UTF_8),
                    e.value());
            if (in != null) {
                live.add(new Taken(e.topic(), offset));
                buffers.get(new TopicPartition(e.topic(), 0)).add(new InputMerge.Entry(in, e.timestamp(), offset));
            }
        }

        assertEquals(live, merge(decoder, buffers, hints, offsets));
        assertNotEquals(live, merge(decoder, buffers, Map.of(), offsets), "without the journal the order differs");
    }

    private static List<Taken> merge(
            InputDecoder decoder,
            Map<TopicPartition, ArrayDeque<InputMerge.Entry>> records,
            Map<TopicPartition, Map<Long, InputOrderLog.After>> hints,
            Map<String, Long> ends) {
        Map<TopicPartition, ArrayDeque<InputMerge.Entry>> buffers = new HashMap<>();
        Map<TopicPartition, Boolean> done = new HashMap<>();
        Map<TopicPartition, Long> stop = new HashMap<>();
        InputMerge.Handed handed = new InputMerge.Handed(hints, stop);
        records.forEach((tp, q) -> {
            buffers.put(tp, new ArrayDeque<>(q));
            done.put(tp, true);
            stop.put(tp, ends.getOrDefault(tp.topic(), 0L));
            handed.next.put(tp, 0L);
        });
        List<Taken> taken = new ArrayList<>();
        InputMerge.drain(
                0,
                decoder.topics(),
                buffers,
                done,
                handed,
                (s, in, ts, topic, offset) -> taken.add(new Taken(topic, offset)));
        return taken;
    }
}
