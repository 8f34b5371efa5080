package io.k8sm.scheduler.topology;

import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.scheduler.SchedulerState;
import io.k8sm.scheduler.query.QueryServer;
import io.k8sm.scheduler.state.CachedKv;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler's state stores: persistent (RocksDB) and changelogged, so that a restarted or
 * failed-over instance restores the registry (with every task's AssignedSlave), the latest pods,
 * the live offers and the queue from Kafka.
 */
public final class SchedulerStores {

    public static final String TASKS = "scheduler-tasks";
    public static final String POD_INDEX = "scheduler-pod-index";
    public static final String FINISHED_RING = "scheduler-finished-ring";
    public static final String PODS = "scheduler-pods";
    public static final String OFFERS = "scheduler-offers";
    public static final String QUEUE = "scheduler-queue";
    public static final String RECONCILE_PENDING = "scheduler-reconcile-pending";
    public static final String META = "scheduler-meta";
    public static final String NODES = "scheduler-nodes";

    public static final List<String> ALL =
            List.of(TASKS, POD_INDEX, FINISHED_RING, PODS, OFFERS, QUEUE, RECONCILE_PENDING, META, NODES);

    /**
     * The processor's own store ({@link InputOrderJournal}): where it is in its inputs. Not the
     * scheduler's state (a replay has none), so not in {@link #ALL}.
     */
    public static final String INPUT_ORDER = "scheduler-input-order";

    /** Every store the processor owns: {@link #ALL} and {@link #INPUT_ORDER}. */
    public static final List<String> PROCESSOR_STORES = java.util.stream.Stream.concat(
                    ALL.stream(), java.util.stream.Stream.of(INPUT_ORDER))
            .toList();

    /** The stores {@code k8sm get} and {@code k8sm describe} read ({@link QueryServer}). */
    public static final QueryServer.Stores QUERIED = new QueryServer.Stores(TASKS, POD_INDEX, PODS, OFFERS, QUEUE);

    private SchedulerStores() {}

    /**
     * Where the stores keep their data locally. Either way every store is changelogged, and the
     * changelog is the truth: a new instance rebuilds the stores from it.
     */
    public enum Kind {
        /**
         * RocksDB on disk under the state directory: a restart on the same disk restores only the
         * changelog's tail.
         */
        ROCKSDB("rocksdb"),
        /** On the heap: every start restores the whole changelog; no disk I/O per commit. */
        IN_MEMORY("in-memory");

        private final String configValue;

        Kind(String configValue) {
            this.configValue = configValue;
        }

        public String configValue() {
            return configValue;
        }

        public static Kind parse(String value) {
            for (Kind k : values()) {
                if (k.configValue.equals(value)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown store kind '" + value + "': rocksdb or in-memory");
        }
    }

    public static List<StoreBuilder<?>> builders() {
        return builders(Kind.ROCKSDB);
    }

    public static List<StoreBuilder<?>> builders(Kind kind) {
        List<StoreBuilder<?>> all = new java.util.ArrayList<>();
        for (String name : ALL) {
            all.add(store(kind, name, valueSerde(name)));
        }
        return List.copyOf(all);
    }

    /**
     * The value serde of a store of {@link #PROCESSOR_STORES} (and its changelog); keys are UTF-8
     * strings. A replay writing changelogs ({@code replay.ChangelogWriter}) encodes with these, so a
     * scheduler restores them.
     */
    public static Serde<?> valueSerde(String store) {
        return switch (store) {
            case TASKS -> StoreSerdes.avro(RegistryTask.class);
            case PODS -> StoreSerdes.avro(PodSnapshot.class);
            case NODES -> StoreSerdes.avro(NodeSnapshot.class);
            case OFFERS -> StoreSerdes.liveOffer();
            case QUEUE -> StoreSerdes.queueEntry();
            case META -> Serdes.Long();
            case POD_INDEX, FINISHED_RING, RECONCILE_PENDING, INPUT_ORDER -> Serdes.String();
            default -> throw new IllegalArgumentException("no scheduler store named " + store);
        };
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(Kind kind, String name, Serde<V> values) {
        KeyValueBytesStoreSupplier supplier =
                kind == Kind.IN_MEMORY ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), values)
                .withLoggingEnabled(java.util.Map.of("cleanup.policy", "compact"));
    }

    /**
     * The state of the processor's shard, over the stores connected to it. The live offers and the
     * queue, scanned on every input, are read from a write-through copy on the heap ({@link
     * CachedKv}).
     */
    public static SchedulerState open(ProcessorContext<?, ?> context) {
        return new SchedulerState(
                kv(context, TASKS),
                kv(context, POD_INDEX),
                kv(context, FINISHED_RING),
                kv(context, PODS),
                new CachedKv<>(kv(context, OFFERS)),
                new CachedKv<>(kv(context, QUEUE)),
                kv(context, RECONCILE_PENDING),
                kv(context, META),
                new CachedKv<>(kv(context, NODES)));
    }

    private static <V> StoreKv<String, V> kv(ProcessorContext<?, ?> context, String name) {
        KeyValueStore<String, V> store = context.getStateStore(name);
        return new StoreKv<>(store);
    }
}
