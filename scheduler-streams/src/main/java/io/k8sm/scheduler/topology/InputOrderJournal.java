package io.k8sm.scheduler.topology;

import io.k8sm.avro.InputOrder;
import io.k8sm.scheduler.state.Kv;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Notes where a shard's processor took an input out of the replay's canonical order, so that a
 * replay can follow the live order exactly.
 *
 * <p>A replay orders a shard's inputs by (timestamp, topic in merge order), each partition in
 * offset order. The live processor sees a record later than that order would when it became
 * visible late: a producer's transaction committed seconds after its records were appended (the
 * input topics use append time), or one partition's fetch lagged behind another's. Every record
 * whose (timestamp, topic) is below the largest one processed before it is such a record; it is
 * journaled with the record processed just before it. A replay that holds each journaled record
 * until its predecessor is processed, and otherwise takes the smallest (timestamp, topic) head,
 * processes the inputs in exactly the live order: the records not journaled are in canonical order
 * by construction, and a journaled one has the smallest key among the heads once its predecessor is
 * done.
 *
 * <p>The largest key and the last record are kept in a changelogged store (one key, cached, so one
 * changelog record per commit), so a restarted or failed-over instance goes on from the committed
 * state; the journal records go out in the same transaction as the processing. A replay keeps the
 * same position over a heap store ({@code replay.ReplayShard}), so that {@code k8sm replay
 * --write-to} can hand a scheduler the position it would have had.
 */
public final class InputOrderJournal {

    /** The store of the position: the largest key processed and the last record. */
    static final String STORE = SchedulerStores.INPUT_ORDER;

    private static final String POSITION = "position";

    private final List<String> topics;
    private final Kv<String, String> store;
    private Position position;

    /** Where the processor is: the largest (timestamp, topic index) seen and the last record. */
    private record Position(long maxTimestamp, int maxTopic, int lastTopic, long lastOffset, long lastTimestamp) {

        static Position parse(String s) {
            String[] f = s.split(" ");
            return new Position(
                    Long.parseLong(f[0]),
                    Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[4]));
        }

        String format() {
            return maxTimestamp + " " + maxTopic + " " + lastTopic + " " + lastOffset + " " + lastTimestamp;
        }

        boolean above(long timestamp, int topic) {
            return maxTimestamp > timestamp || (maxTimestamp == timestamp && maxTopic > topic);
        }
    }

    /**
     * @param topics the input topics in the topology's merge order ({@link SchedulerTopics#inputs()})
     * @param store the shard's position store ({@link SchedulerStores#INPUT_ORDER}, string values)
     */
    public InputOrderJournal(List<String> topics, Kv<String, String> store) {
        this.topics = topics;
        this.store = store;
    }

    static StoreBuilder<KeyValueStore<String, String>> storeBuilder(SchedulerStores.Kind kind) {
        KeyValueBytesStoreSupplier supplier = kind == SchedulerStores.Kind.IN_MEMORY
                ? Stores.inMemoryKeyValueStore(STORE)
                : Stores.persistentKeyValueStore(STORE);
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.String())
                .withCachingEnabled()
                .withLoggingEnabled(java.util.Map.of("cleanup.policy", "compact"));
    }

    /**
     * Records that the processor takes the input at {@code topic}/{@code partition}/{@code offset}
     * now; the journal record if it comes out of canonical order, else empty.
     */
    public Optional<InputOrder> processing(String topic, int partition, long offset, long timestamp) {
        int index = topics.indexOf(topic);
        if (index < 0 || offset < 0) {
            return Optional.empty(); // not read from an input topic (a test feeding the processor directly)
        }
        if (position == null) {
            String stored = store.get(POSITION);
            position = stored == null ? null : Position.parse(stored);
        }
        Position before = position;
        boolean late = before != null && before.above(timestamp, index);
        position = late
                ? new Position(before.maxTimestamp(), before.maxTopic(), index, offset, timestamp)
                : new Position(timestamp, index, index, offset, timestamp);
        store.put(POSITION, position.format());
        if (!late) {
            return Optional.empty();
        }
        return Optional.of(new InputOrder(
                topic,
                partition,
                offset,
                Instant.ofEpochMilli(timestamp),
                topics.get(before.lastTopic()),
                before.lastOffset(),
                Instant.ofEpochMilli(before.lastTimestamp())));
    }
}
