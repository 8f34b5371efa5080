package io.k8sm.app.cli;

import io.k8sm.config.K8smConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where tap reads: the topics' partitions from the Admin API (which never creates a topic), the
 * partitions chosen, and the start offsets ({@code --from-beginning}, {@code --from TIME}, {@code
 * --offset N|-N}, else the end).
 */
final class TapTopics {

    private TapTopics() {}

    /** The partition count of each topic; 0 for a topic the cluster does not have. */
    static Map<String, Integer> partitionCounts(K8smConfig config, TimeoutOption timeout, List<String> topics)
            throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (Admin admin = TopicsCommand.admin(config, timeout)) {
            Set<String> present = TopicsCommand.await(admin.listTopics().names(), "listing topics", config, timeout);
            List<String> existing =
                    topics.stream().filter(present::contains).distinct().toList();
            Map<String, TopicDescription> d = existing.isEmpty()
                    ? Map.of()
                    : TopicsCommand.await(
                            admin.describeTopics(existing).allTopicNames(), "describing topics", config, timeout);
            for (String t : topics) {
                counts.put(t, d.containsKey(t) ? d.get(t).partitions().size() : 0);
            }
        }
        return counts;
    }

    /** Every partition of the topics, or only the ones asked for (each must exist in every topic). */
    static List<TopicPartition> select(Map<String, Integer> counts, List<Integer> wanted) {
        List<TopicPartition> parts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (wanted.isEmpty()) {
                for (int i = 0; i < e.getValue(); i++) {
                    parts.add(new TopicPartition(e.getKey(), i));
                }
                continue;
            }
            for (int i : wanted) {
                if (i < 0 || i >= e.getValue()) {
                    throw new IllegalArgumentException(
                            "--partition " + i + ": topic " + e.getKey() + " has partitions 0.." + (e.getValue() - 1));
                }
                parts.add(new TopicPartition(e.getKey(), i));
            }
        }
        return parts;
    }

    static void seek(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> parts,
            boolean fromBeginning,
            Instant from,
            Long offset,
            Duration timeout) {
        if (fromBeginning) {
            consumer.seekToBeginning(parts);
        } else if (from != null) {
            Map<TopicPartition, Long> query = new LinkedHashMap<>();
            parts.forEach(tp -> query.put(tp, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = found.get(tp);
                consumer.seek(tp, o == null ? end.get(tp) : o.offset());
            }
        } else if (offset != null) {
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            for (TopicPartition tp : parts) {
                long at = offset >= 0 ? offset : end.get(tp) + offset;
                consumer.seek(tp, Math.min(end.get(tp), Math.max(begin.get(tp), at)));
            }
        } else {
            consumer.seekToEnd(parts);
        }
    }

    static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end, Duration timeout) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
