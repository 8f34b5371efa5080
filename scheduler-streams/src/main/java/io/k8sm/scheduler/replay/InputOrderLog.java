package io.k8sm.scheduler.replay;

import io.k8sm.avro.InputOrder;
import io.k8sm.deadletter.DeadLetters;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads the scheduler's {@code input-order} journal to its end: for each input the live scheduler
 * took out of timestamp order, the input it took just before (same partition number).
 */
final class InputOrderLog {

    /** The input a journaled input came after: its topic and offset, in the same partition number. */
    record After(String topic, long offset) {}

    private final Duration timeout;

    InputOrderLog(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The journal by input partition and offset. A missing topic (a scheduler older than the
     * journal, or a deployment without it) is a warning: the replay then follows timestamp order.
     */
    Map<TopicPartition, Map<Long, After>> read(
            KafkaConsumer<byte[], byte[]> consumer, InputDecoder decoder, List<String> warnings) {
        String topic = decoder.orderTopic();
        Map<TopicPartition, Map<Long, After>> journal = new HashMap<>();
        List<PartitionInfo> infos;
        Map<TopicPartition, Long> end;
        try {
            infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                warnings.add("no " + topic + " topic: inputs the live scheduler took late, if any, are replayed in"
                        + " timestamp order");
                return journal;
            }
            List<TopicPartition> parts = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            end = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading " + topic + " to its end took over " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    add(journal, decoder, r);
                }
            }
        } catch (TimeoutException e) {
            throw new ReplayException("cannot read the " + topic + " journal: " + e.getMessage());
        }
        return journal;
    }

    private static void add(
            Map<TopicPartition, Map<Long, After>> journal, InputDecoder decoder, ConsumerRecord<byte[], byte[]> r) {
        InputOrder o;
        try {
            o = decoder.decodeOrder(r.headers(), r.value());
        } catch (RuntimeException e) {
            if (DeadLetters.isTransient(e)) {
                throw new ReplayException("cannot read " + DeadLetters.keyFor(r.topic(), r.partition(), r.offset())
                        + ": the schema registry is unreachable (" + e.getMessage() + ")");
            }
            return; // unreadable: that input is replayed in timestamp order
        }
        if (o != null) {
            journal.computeIfAbsent(new TopicPartition(o.getTopic(), o.getPartition()), k -> new HashMap<>())
                    .put(o.getOffset(), new After(o.getAfterTopic(), o.getAfterOffset()));
        }
    }
}
