package io.k8sm.scheduler.state;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A write-through copy of a store on the heap, for the stores the state machine scans on every
 * input (the live offers and the queue): {@link #all()} then costs a list copy instead of a store
 * iteration that deserializes every entry. Writes go to the store first, so the store and its
 * changelog stay the truth.
 *
 * <p>The copy is loaded on first use, not at construction: Kafka Streams restores a store before
 * the first record is processed, and a restore can never be missed. Keys are ordered by code point,
 * which is the order of their UTF-8 bytes, so {@link #all()} gives the order of a Kafka Streams
 * store. Values must be immutable.
 */
public final class CachedKv<V> implements Kv<String, V> {

    /**
     * Code point order = UTF-8 byte order (String.compareTo orders UTF-16 units, which differs above
     * U+D7FF).
     */
    public static final Comparator<String> UTF8_ORDER = CachedKv::compareUtf8;

    /**
     * UTF-8 byte order is code point order. Up to the first differing UTF-16 unit the two agree;
     * there, two units that are not surrogates compare as their code points do, so only a surrogate
     * at that point needs the code point walk.
     */
    static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int k = 0; k < n; k++) {
            char x = a.charAt(k);
            char y = b.charAt(k);
            if (x != y) {
                return Character.isSurrogate(x) || Character.isSurrogate(y) ? byCodePoints(a, b) : x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int byCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private final Kv<String, V> store;
    private TreeMap<String, V> copy;

    public CachedKv(Kv<String, V> store) {
        this.store = store;
    }

    private TreeMap<String, V> copy() {
        if (copy == null) {
            TreeMap<String, V> m = new TreeMap<>(UTF8_ORDER);
            for (Map.Entry<String, V> e : store.all()) {
                m.put(e.getKey(), e.getValue());
            }
            copy = m;
        }
        return copy;
    }

    @Override
    public V get(String key) {
        return copy().get(key);
    }

    @Override
    public void put(String key, V value) {
        store.put(key, value);
        copy().put(key, value);
    }

    @Override
    public void delete(String key) {
        store.delete(key);
        copy().remove(key);
    }

    @Override
    public List<Map.Entry<String, V>> all() {
        List<Map.Entry<String, V>> out = new ArrayList<>(copy().size());
        for (Map.Entry<String, V> e : copy().entrySet()) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        return out;
    }
}
