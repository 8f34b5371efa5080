package io.k8sm.scheduler.topology;

import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.scheduler.SchedulerState;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.queue.QueueEntry;
import io.k8sm.scheduler.state.StoreKv;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler's state stores: persistent (RocksDB) and changelogged, so that a restarted or
 * failed-over instance restores the registry (with every task's AssignedSlave), the latest pods, the
 * live offers and the queue from Kafka.
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

  public static final List<String> ALL = List.of(TASKS, POD_INDEX, FINISHED_RING, PODS, OFFERS, QUEUE,
      RECONCILE_PENDING, META);

  private SchedulerStores() { }

  public static List<StoreBuilder<?>> builders() {
    return List.of(
        store(TASKS, StoreSerdes.avro(RegistryTask.class)),
        store(POD_INDEX, Serdes.String()),
        store(FINISHED_RING, Serdes.String()),
        store(PODS, StoreSerdes.avro(PodSnapshot.class)),
        store(OFFERS, StoreSerdes.liveOffer()),
        store(QUEUE, StoreSerdes.queueEntry()),
        store(RECONCILE_PENDING, Serdes.String()),
        store(META, Serdes.Long()));
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withLoggingEnabled(java.util.Map.of("cleanup.policy", "compact"));
  }

  /** The state of the processor's shard, over the stores connected to it. */
  public static SchedulerState open(ProcessorContext<?, ?> context) {
    return new SchedulerState(kv(context, TASKS), kv(context, POD_INDEX), kv(context, FINISHED_RING),
        kv(context, PODS), kv(context, OFFERS), kv(context, QUEUE), kv(context, RECONCILE_PENDING),
        kv(context, META));
  }

  private static <V> StoreKv<String, V> kv(ProcessorContext<?, ?> context, String name) {
    KeyValueStore<String, V> store = context.getStateStore(name);
    return new StoreKv<>(store);
  }
}
