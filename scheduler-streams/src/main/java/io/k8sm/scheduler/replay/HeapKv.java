package io.k8sm.scheduler.replay;

import io.k8sm.scheduler.state.CachedKv;
import io.k8sm.scheduler.state.Kv;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
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
    /** Set for a store scanned on every input: it keeps the entries instead of {@link #map}. */
    private final ScannedKv<V> scanned;
    /** The last {@link #all()}, while no write came after it: the state machine scans some stores on every input. */
    private List<Map.Entry<String, V>> snapshot;

    private HeapKv(boolean scannedOnEveryInput) {
        this.scanned = scannedOnEveryInput ? new ScannedKv<>() : null;
    }

    /** A store read by key (tasks, pods, indexes): a sorted map. */
    public static <V> HeapKv<V> indexed() {
        return new HeapKv<>(false);
    }

    /**
     * A store the state machine scans on every input (offers, queue, meta): a copy-on-write array,
     * whose scans cost nothing (the topology's heap copy, {@code CachedKv}, is for the same stores).
     */
    public static <V> HeapKv<V> scanned() {
        return new HeapKv<>(true);
    }

    @Override
    public V get(String key) {
        if (scanned != null) {
            return scanned.get(key);
        }
        return map.get(key);
    }

    @Override
    public void put(String key, V value) {
        if (scanned != null) {
            scanned.put(key, value);
            return;
        }
        snapshot = null;
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    @Override
    public void delete(String key) {
        if (scanned != null) {
            scanned.delete(key);
            return;
        }
        snapshot = null;
        map.remove(key);
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        if (scanned != null) {
            return scanned.all();
        }
        if (snapshot == null) {
            List<Map.Entry<String, V>> out = new ArrayList<>(map.size());
            for (Map.Entry<String, V> e : map.entrySet()) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
            }
            snapshot = Collections.unmodifiableList(out);
        }
        return snapshot;
    }

    /** The live view, in key order (read only by the replay's reports). */
    public Map<String, V> view() {
        if (scanned != null) {
            return Collections.unmodifiableMap(scanned.view());
        }
        return Collections.unmodifiableMap(map);
    }

    public int size() {
        return scanned != null ? scanned.size() : map.size();
    }
}
