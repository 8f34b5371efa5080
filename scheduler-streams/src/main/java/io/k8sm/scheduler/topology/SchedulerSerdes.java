package io.k8sm.scheduler.topology;

import io.k8sm.config.K8smConfig;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroSerde;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Where the topology gets the value serdes of its input and output topics. In production the
 * Confluent wire-format serde with the schema registry ({@link #registry}); in topology tests the
 * single-object Avro encoding of {@link StoreSerdes}, which needs no registry ({@link
 * #registryFree}).
 */
@FunctionalInterface
public interface SchedulerSerdes {

    <T extends SpecificRecord> Serde<T> value(Class<T> type);

    /**
     * The production serdes: Confluent wire format (magic byte, schema id, Avro body) through the
     * schema registry named by the configuration ({@code schema.registry.url}, {@code
     * auto.register.schemas}, {@code use.latest.version}, {@code basic.auth.*}, {@code
     * schema.registry.*}). One registry client is shared by every value serde, so schema ids are
     * fetched and registered once per process.
     */
    static SchedulerSerdes registry(K8smConfig config) {
        return registry(config.serdeConfig());
    }

    /** {@link #registry(K8smConfig)} from the serde configuration map (Confluent key names). */
    static SchedulerSerdes registry(Map<String, ?> serdeConfig) {
        Map<String, Object> configs = Map.copyOf(serdeConfig);
        SchemaRegistryClient client = SchemaRegistryClients.fromConfig(configs);
        Map<Class<?>, Serde<?>> cache = new ConcurrentHashMap<>();
        return new SchedulerSerdes() {
            @Override
            @SuppressWarnings("unchecked")
            public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
                return (Serde<T>) cache.computeIfAbsent(type, t -> {
                    AvroSerde<T> serde = AvroSerde.specific(type, client);
                    serde.configure(configs, false);
                    return serde;
                });
            }
        };
    }

    /** Registry-free serdes (Avro single-object encoding), for tests and tools. */
    static SchedulerSerdes registryFree() {
        return StoreSerdes::avro;
    }
}
