package io.k8sm.scheduler.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Where the topology gets the value serdes of its input and output topics. In production the
 * Confluent wire-format serde with the schema registry; in topology tests the single-object Avro
 * encoding of {@link StoreSerdes}, which needs no registry.
 */
@FunctionalInterface
public interface SchedulerSerdes {

  <T extends SpecificRecord> Serde<T> value(Class<T> type);

  /** Registry-free serdes (Avro single-object encoding), for tests and tools. */
  static SchedulerSerdes registryFree() {
    return StoreSerdes::avro;
  }
}
