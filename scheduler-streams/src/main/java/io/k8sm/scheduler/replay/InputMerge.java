package io.k8sm.scheduler.replay;

import io.k8sm.deadletter.DeadLetters;
import io.k8sm.scheduler.SchedulerInput;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the seven input topics with a plain consumer (no group, nothing committed, {@code
 * read_committed}) and hands their records to a sink in the order Kafka Streams processes them
 * when the data is already on the brokers: per shard (partition number), the partition whose head
 * record has the smallest timestamp first (Streams' {@code PartitionGroup} with the default {@code
 * max.task.idle.ms=0}, which waits for fetchable data), each partition in offset order. Streams
 * leaves ties to its priority queue; a replay breaks them in the topology's merge order.
 *
 * <p>Where the live scheduler took a record later than that (it became visible late: a slow
 * transaction commit, a lagging fetch), its {@code input-order} journal names the record it came
 * after ({@code topology.InputOrderJournal}); such a record is held until that one is handed over,
 * which reproduces the live order exactly.
 */
final class InputMerge {

    private static final Logger log = LoggerFactory.getLogger(InputMerge.class);
    private static final int PAUSE_ABOVE = 20_000;

    /** Receives the inputs in processing order. */
    interface Sink {
        void accept(int shard, SchedulerInput input, long timestamp, String topic, long offset);
    }

    /** Counts of the read. */
    static final class Stats {
        long read;
        long unreadable;
        long filtered;
        long invalidTimestamp;
        long late;
        final Map<String, Long> perTopic = new TreeMap<>();
        final Map<TopicPartition, Long> start = new LinkedHashMap<>();
        final Map<TopicPartition, Long> stop = new LinkedHashMap<>();
        final List<String> warnings = new ArrayList<>();
    }

    record Entry(SchedulerInput input, long timestamp, long offset) {}

    /** Where a shard's merge is: the next offset after the last record handed over, per partition. */
    static final class Handed {
        final Map<TopicPartition, Long> next = new HashMap<>();
        final Map<TopicPartition, Map<Long, InputOrderLog.After>> journal;
        final Map<TopicPartition, Long> stop;

        Handed(Map<TopicPartition, Map<Long, InputOrderLog.After>> journal, Map<TopicPartition, Long> stop) {
            this.journal = journal;
            this.stop = stop;
        }

        /** Whether the live scheduler took {@code e} only after a record this replay is yet to hand over. */
        boolean held(TopicPartition tp, Entry e) {
            InputOrderLog.After after = journal.getOrDefault(tp, Map.of()).get(e.offset());
            if (after == null) {
                return false;
            }
            TopicPartition p = new TopicPartition(after.topic(), tp.partition());
            Long n = next.get(p);
            return n != null && n <= after.offset() && after.offset() < stop.get(p);
        }
    }

    private final Properties props;
    private final String bootstrap;
    private final Duration timeout;

    InputMerge(Properties kafka, Duration timeout) {
        this.props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-replay");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        this.bootstrap = String.valueOf(kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.timeout = timeout;
    }

    Stats run(InputDecoder decoder, ReplayLimits limits, Sink sink) {
        Stats stats = new Stats();
        List<String> topics = decoder.topics();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int shards = shards(consumer, topics);
            List<TopicPartition> all = new ArrayList<>();
            Map<TopicPartition, Integer> index = new HashMap<>();
            for (int s = 0; s < shards; s++) {
                for (int i = 0; i < topics.size(); i++) {
                    TopicPartition tp = new TopicPartition(topics.get(i), s);
                    all.add(tp);
                    index.put(tp, i);
                }
            }
            Map<TopicPartition, Map<Long, InputOrderLog.After>> journal =
                    new InputOrderLog(timeout).read(consumer, decoder, stats.warnings);
            consumer.assign(all);
            Map<TopicPartition, Long> begin;
            Map<TopicPartition, Long> end;
            try {
                begin = consumer.beginningOffsets(all, timeout);
                end = consumer.endOffsets(all, timeout);
            } catch (TimeoutException e) {
                throw unreachable(e);
            }
            for (TopicPartition tp : all) {
                long b = begin.get(tp);
                long stop =
                        Math.max(b, Math.min(end.get(tp), limits.untilOffsets().getOrDefault(tp, Long.MAX_VALUE)));
                stats.start.put(tp, b);
                stats.stop.put(tp, stop);
                if (b > 0) {
                    stats.warnings.add(tp + " starts at offset " + b + ": the records before it were deleted"
                            + " (retention), so the replay starts later than the live scheduler did");
                }
                consumer.seek(tp, b);
            }
            Handed handed = new Handed(journal, stats.stop);
            begin.forEach(handed.next::put);
            for (TopicPartition tp : limits.untilOffsets().keySet()) {
                if (!index.containsKey(tp)) {
                    throw new IllegalArgumentException(
                            "--until-offsets names " + tp + ", which is not a partition of an input topic " + topics);
                }
            }
            Map<TopicPartition, ArrayDeque<Entry>> buffers = new HashMap<>();
            Map<TopicPartition, Boolean> done = new HashMap<>();
            for (TopicPartition tp : all) {
                buffers.put(tp, new ArrayDeque<>());
                done.put(tp, consumer.position(tp) >= stats.stop.get(tp));
            }
            consumer.pause(done.entrySet().stream()
                    .filter(Map.Entry::getValue)
                    .map(Map.Entry::getKey)
                    .toList());
            while (done.containsValue(false)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (done.get(tp) || r.offset() >= stats.stop.get(tp)) {
                        continue;
                    }
                    if (limits.untilMs().isPresent()
                            && r.timestamp() > limits.untilMs().get()) {
                        stats.stop.put(tp, r.offset());
                        done.put(tp, true);
                        consumer.pause(List.of(tp));
                        continue;
                    }
                    stats.read++;
                    stats.perTopic.merge(r.topic(), 1L, Long::sum);
                    Entry e = decode(decoder, index.get(tp), r, stats);
                    if (e != null) {
                        buffers.get(tp).add(e);
                    }
                }
                for (TopicPartition tp : all) {
                    if (!done.get(tp) && consumer.position(tp) >= stats.stop.get(tp)) {
                        done.put(tp, true);
                        consumer.pause(List.of(tp));
                    } else if (!done.get(tp)) {
                        int n = buffers.get(tp).size();
                        if (n > PAUSE_ABOVE && !consumer.paused().contains(tp)) {
                            consumer.pause(List.of(tp));
                        } else if (n < PAUSE_ABOVE / 2 && consumer.paused().contains(tp)) {
                            consumer.resume(List.of(tp));
                        }
                    }
                }
                for (int s = 0; s < shards; s++) {
                    stats.late += drain(s, topics, buffers, done, handed, sink);
                }
            }
        }
        return stats;
    }

    /**
     * Hands over shard {@code s}'s records while every partition of it has a head or is done: the
     * smallest head not held by the journal. Returns how many journaled records it handed over.
     */
    static int drain(
            int s,
            List<String> topics,
            Map<TopicPartition, ArrayDeque<Entry>> buffers,
            Map<TopicPartition, Boolean> done,
            Handed handed,
            Sink sink) {
        int late = 0;
        List<TopicPartition> parts = new ArrayList<>(topics.size());
        for (String t : topics) {
            parts.add(new TopicPartition(t, s));
        }
        while (true) {
            int best = -1;
            int bestHeld = -1;
            for (int i = 0; i < parts.size(); i++) {
                TopicPartition tp = parts.get(i);
                ArrayDeque<Entry> q = buffers.get(tp);
                if (q.isEmpty()) {
                    if (!done.get(tp)) {
                        return late; // its next record may come first: wait for it, as Streams does
                    }
                    continue;
                }
                Entry head = q.peekFirst();
                boolean held = handed.held(tp, head);
                int current = held ? bestHeld : best;
                if (current < 0
                        || head.timestamp()
                                < buffers.get(parts.get(current)).peekFirst().timestamp()) {
                    if (held) {
                        bestHeld = i;
                    } else {
                        best = i;
                    }
                }
            }
            if (best < 0) {
                best = bestHeld; // a journal that does not fit these records (history deleted): go on
            }
            if (best < 0) {
                return late;
            }
            TopicPartition tp = parts.get(best);
            Entry e = buffers.get(tp).pollFirst();
            if (handed.journal.getOrDefault(tp, Map.of()).containsKey(e.offset())) {
                late++;
            }
            handed.next.put(tp, e.offset() + 1);
            sink.accept(s, e.input(), e.timestamp(), topics.get(best), e.offset());
        }
    }

    private static Entry decode(InputDecoder decoder, int i, ConsumerRecord<byte[], byte[]> r, Stats stats) {
        if (r.timestamp() < 0) {
            stats.invalidTimestamp++;
            return null;
        }
        SchedulerInput in;
        try {
            in = decoder.decode(i, r.headers(), r.key(), r.value());
        } catch (RuntimeException e) {
            String where = DeadLetters.keyFor(r.topic(), r.partition(), r.offset());
            if (DeadLetters.isTransient(e)) {
                throw new ReplayException(
                        "cannot read " + where + ": the schema registry is unreachable (" + e.getMessage() + ")");
            }
            log.debug("record {} is unreadable and skipped, as the live scheduler dead-letters it: {}", where, e);
            stats.unreadable++;
            return null;
        }
        if (in == null) {
            stats.filtered++;
            return null;
        }
        return new Entry(in, r.timestamp(), r.offset());
    }

    private int shards(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String t : topics) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(t, timeout);
            } catch (TimeoutException e) {
                throw unreachable(e);
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("input topic " + t + " does not exist (create the topics with"
                        + " 'k8sm topics create', or check --topic-prefix)");
            }
            counts.put(t, infos.size());
        }
        if (counts.values().stream().distinct().count() > 1) {
            throw new IllegalArgumentException(
                    "the input topics are not co-partitioned, so no scheduler ran on them: partitions " + counts);
        }
        return counts.values().iterator().next();
    }

    private ReplayException unreachable(TimeoutException e) {
        return new ReplayException("cannot reach the Kafka cluster at " + bootstrap + " within " + timeout.toSeconds()
                + " s (" + e.getMessage() + ")");
    }
}
