package io.k8sm.scheduler.replay;

import io.k8sm.scheduler.state.CachedKv;
import io.k8sm.scheduler.state.Kv;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replay's store for what the state machine scans on every input (queue, meta): a sorted
 * array of immutable entries, copied on write, so that {@link #all()} hands out the current array
 * itself — a snapshot no later write changes — instead of copying every entry. Keys in UTF-8 byte
 * order, as in a Kafka Streams store. A write costs one array copy; a scan costs nothing.
 */
final class ScannedKv<V> implements Kv<String, V> {

    @SuppressWarnings("unchecked")
    private Map.Entry<String, V>[] entries = new Map.Entry[0];

    private int find(String key) {
        int lo = 0;
        int hi = entries.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = CachedKv.UTF8_ORDER.compare(entries[mid].getKey(), key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    @Override
    public V get(String key) {
        int i = find(key);
        return i < 0 ? null : entries[i].getValue();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void put(String key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        Map.Entry<String, V> e = new AbstractMap.SimpleImmutableEntry<>(key, value);
        int i = find(key);
        if (i >= 0) {
            Map.Entry<String, V>[] next = entries.clone();
            next[i] = e;
            entries = next;
        } else {
            int at = -(i + 1);
            Map.Entry<String, V>[] next = new Map.Entry[entries.length + 1];
            System.arraycopy(entries, 0, next, 0, at);
            next[at] = e;
            System.arraycopy(entries, at, next, at + 1, entries.length - at);
            entries = next;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void delete(String key) {
        int i = find(key);
        if (i >= 0) {
            Map.Entry<String, V>[] next = new Map.Entry[entries.length - 1];
            System.arraycopy(entries, 0, next, 0, i);
            System.arraycopy(entries, i + 1, next, i, entries.length - i - 1);
            entries = next;
        }
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        Map.Entry<String, V>[] snapshot = entries;
        return new AbstractList<>() {
            @Override
            public Map.Entry<String, V> get(int index) {
                return snapshot[index];
            }

            @Override
            public int size() {
                return snapshot.length;
            }
        };
    }

    /** The entries in key order (for the replay's reports and changelogs). */
    Map<String, V> view() {
        Map<String, V> m = new LinkedHashMap<>();
        Arrays.stream(entries).forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    int size() {
        return entries.length;
    }
}
