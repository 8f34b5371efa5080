package io.k8sm.scheduler.topology;

import io.k8sm.scheduler.state.Kv;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A {@link Kv} over a Kafka Streams key-value store (persistent and changelogged in the topology).
 */
public final class StoreKv<K, V> implements Kv<K, V> {

    private final KeyValueStore<K, V> store;

    public StoreKv(KeyValueStore<K, V> store) {
        this.store = store;
    }

    @Override
    public V get(K key) {
        return store.get(key);
    }

    @Override
    public void put(K key, V value) {
        store.put(key, value);
    }

    @Override
    public void delete(K key) {
        store.delete(key);
    }

    @Override
    public List<Map.Entry<K, V>> all() {
        List<Map.Entry<K, V>> out = new ArrayList<>();
        try (KeyValueIterator<K, V> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<K, V> kv = it.next();
                out.add(new AbstractMap.SimpleImmutableEntry<>(kv.key, kv.value));
            }
        }
        return out;
    }
}
