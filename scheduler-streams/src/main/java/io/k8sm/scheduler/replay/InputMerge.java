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
 * Reads the six input topics with a plain consumer (no group, nothing committed, {@code
 * read_committed}) and hands their records to a sink in the order Kafka Streams processes them
 * when the data is already on the brokers: per shard (partition number), the partition whose head
 * record has the smallest timestamp first (Streams' {@code PartitionGroup} with the default {@code
 * max.task.idle.ms=0}, which waits for fetchable data), each partition in offset order. Streams
 * leaves ties to its priority queue; a replay breaks them in the topology's merge order.
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
        final Map<String, Long> perTopic = new TreeMap<>();
        final Map<TopicPartition, Long> start = new LinkedHashMap<>();
        final Map<TopicPartition, Long> stop = new LinkedHashMap<>();
        final List<String> warnings = new ArrayList<>();
    }

    private record Entry(SchedulerInput input, long timestamp, long offset) {}

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
                    drain(s, topics, buffers, done, sink);
                }
            }
        }
        return stats;
    }

    /** Hands over shard {@code s}'s records while every partition of it has a head or is done. */
    private static void drain(
            int s,
            List<String> topics,
            Map<TopicPartition, ArrayDeque<Entry>> buffers,
            Map<TopicPartition, Boolean> done,
            Sink sink) {
        List<ArrayDeque<Entry>> queues = new ArrayList<>(topics.size());
        List<Boolean> finished = new ArrayList<>(topics.size());
        for (String t : topics) {
            TopicPartition tp = new TopicPartition(t, s);
            queues.add(buffers.get(tp));
            finished.add(done.get(tp));
        }
        while (true) {
            int best = -1;
            for (int i = 0; i < queues.size(); i++) {
                ArrayDeque<Entry> q = queues.get(i);
                if (q.isEmpty()) {
                    if (!finished.get(i)) {
                        return; // its next record may come first: wait for it, as Streams does
                    }
                    continue;
                }
                if (best < 0
                        || q.peekFirst().timestamp()
                                < queues.get(best).peekFirst().timestamp()) {
                    best = i;
                }
            }
            if (best < 0) {
                return;
            }
            Entry e = queues.get(best).pollFirst();
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
