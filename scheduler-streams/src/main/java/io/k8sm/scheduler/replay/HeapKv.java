package io.k8sm.scheduler.replay;

import io.k8sm.scheduler.state.CachedKv;
import io.k8sm.scheduler.state.Kv;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A replay's state store: a sorted map on the heap, its keys in the order of their UTF-8 bytes —
 * the order in which a Kafka Streams store (RocksDB or in-memory, String keys) iterates, so {@link
 * #all()} hands the state machine the entries in the order the live scheduler sees them.
 *
 * <p>Values are kept as objects, not bytes: the state machine never changes a value it read (it
 * builds a new one and puts it), which {@code ReplayMatchesTopologyTest} checks byte for byte
 * against the topology's own stores.
 */
public final class HeapKv<V> implements Kv<String, V> {

    private final TreeMap<String, V> map = new TreeMap<>(CachedKv.UTF8_ORDER);

    @Override
    public V get(String key) {
        return map.get(key);
    }

    @Override
    public void put(String key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        List<Map.Entry<String, V>> out = new ArrayList<>(map.size());
        for (Map.Entry<String, V> e : map.entrySet()) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The live view, in key order (read only by the replay's reports). */
    public Map<String, V> view() {
        return java.util.Collections.unmodifiableMap(map);
    }

    public int size() {
        return map.size();
    }
}
