package io.k8sm.scheduler.state;

import java.util.List;
import java.util.Map;

/**
 * The little a state machine needs of a key-value store. Implemented over a Kafka Streams {@code
 * KeyValueStore} in the topology and over a sorted map in pure tests, so that the state machine
 * never touches Kafka and every transition can be tested without I/O.
 */
public interface Kv<K, V> {

    V get(K key);

    void put(K key, V value);

    void delete(K key);

    /** Every entry, in key order. A snapshot: the caller may modify the store while using it. */
    List<Map.Entry<K, V>> all();
}
