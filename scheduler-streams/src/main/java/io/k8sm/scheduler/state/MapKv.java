package io.k8sm.scheduler.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link Kv} over a sorted map: the pure-test stand-in for a state store. */
public final class MapKv<K extends Comparable<K>, V> implements Kv<K, V> {

    private final TreeMap<K, V> map = new TreeMap<>();

    @Override
    public V get(K key) {
        return map.get(key);
    }

    @Override
    public void put(K key, V value) {
        map.put(key, value);
    }

    @Override
    public void delete(K key) {
        map.remove(key);
    }

    @Override
    public List<Map.Entry<K, V>> all() {
        return new ArrayList<>(Map.copyOf(map).entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .toList());
    }
}
