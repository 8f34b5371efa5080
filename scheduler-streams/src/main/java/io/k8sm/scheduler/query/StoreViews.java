package io.k8sm.scheduler.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.Resource;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.queue.QueueEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The scheduler's stores as JSON: one object per task, pod, offer, queue entry, or agent (an agent is
 * what its live offers and the tasks placed on it say). Over this instance's own (active) shards of
 * a running scheduler ({@link #of(KafkaStreams, QueryServer.Stores)}; a store that is not queryable
 * yet — rebalancing, restoring — throws Kafka Streams' {@code InvalidStateStoreException}), or over
 * any other copy of the stores, such as a replay's ({@link #of(Reader, QueryServer.Stores)}): {@code
 * k8sm get --at} and {@code k8sm describe --at} answer in the very shapes the query server does.
 */
public final class StoreViews {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Read access to stores by their topology name. */
    public interface Reader {
        /** The value under the key, or null. */
        Object get(String store, String key);

        /** Every entry of the store, in any order. */
        List<Map.Entry<String, Object>> scan(String store);
    }

    private final Reader reader;
    private final QueryServer.Stores stores;

    private StoreViews(Reader reader, QueryServer.Stores stores) {
        this.reader = reader;
        this.stores = stores;
    }

    public static StoreViews of(Reader reader, QueryServer.Stores stores) {
        return new StoreViews(reader, stores);
    }

    /** This instance's active shards of a running scheduler's stores. */
    static StoreViews of(KafkaStreams streams, QueryServer.Stores stores) {
        return new StoreViews(
                new Reader() {
                    @Override
                    public Object get(String store, String key) {
                        return store(store).get(key);
                    }

                    @Override
                    public List<Map.Entry<String, Object>> scan(String store) {
                        List<Map.Entry<String, Object>> out = new ArrayList<>();
                        try (KeyValueIterator<String, Object> it = store(store).all()) {
                            it.forEachRemaining(kv -> out.add(Map.entry(kv.key, kv.value)));
                        }
                        return out;
                    }

                    private ReadOnlyKeyValueStore<String, Object> store(String name) {
                        return streams.store(StoreQueryParameters.fromNameAndType(
                                name, QueryableStoreTypes.<String, Object>keyValueStore()));
                    }
                },
                stores);
    }

    /** Every item of a kind ({@code tasks}, {@code pods}, {@code offers}, {@code agents}, {@code queue}), ordered by key. */
    public List<JsonNode> all(String kind) {
        return all(Kind.of(kind).orElseThrow(() -> new IllegalArgumentException("unknown kind " + kind)));
    }

    /** One item of a kind by its key, if these stores have it. */
    public Optional<JsonNode> one(String kind, String key) {
        return one(Kind.of(kind).orElseThrow(() -> new IllegalArgumentException("unknown kind " + kind)), key);
    }

    /** Every local item of a kind, ordered by key. */
    List<JsonNode> all(Kind kind) {
        List<JsonNode> items = new ArrayList<>();
        switch (kind) {
            case TASKS -> scan(stores.tasks(), RegistryTask.class).forEach(kv -> items.add(AvroJson.of(kv.value)));
            case PODS -> scan(stores.pods(), PodSnapshot.class).forEach(kv -> items.add(pod(kv.key, kv.value)));
            case OFFERS -> scan(stores.offers(), LiveOffer.class).forEach(kv -> items.add(offer(kv.value)));
            case QUEUE -> scan(stores.queue(), QueueEntry.class).forEach(kv -> items.add(queue(kv.value)));
            case AGENTS -> items.addAll(agents().values());
        }
        return items;
    }

    /** One local item of a kind by its key, if this instance has it. */
    Optional<JsonNode> one(Kind kind, String key) {
        return switch (kind) {
            case TASKS -> get(stores.tasks(), RegistryTask.class, key).map(AvroJson::of);
            case PODS -> get(stores.pods(), PodSnapshot.class, key).map(p -> pod(key, p));
            case OFFERS -> get(stores.offers(), LiveOffer.class, key).map(StoreViews::offer);
            case QUEUE -> get(stores.queue(), QueueEntry.class, key).map(StoreViews::queue);
            case AGENTS -> Optional.ofNullable(agents().get(key));
        };
    }

    private ObjectNode pod(String key, PodSnapshot p) {
        ObjectNode o = F.objectNode();
        o.put("key", key);
        String taskId = get(stores.podIndex(), String.class, key).orElse(null);
        o.put("taskId", taskId);
        o.set("pod", AvroJson.of(p));
        return o;
    }

    private static ObjectNode offer(LiveOffer l) {
        ObjectNode o = F.objectNode();
        o.put("id", l.id());
        o.put("agentId", l.agentId());
        o.put("hostname", l.offer().getHostname());
        o.put("gone", l.gone());
        o.set("receivedAt", AvroJson.time(l.receivedAt()));
        o.set("expiresAt", AvroJson.time(l.expiresAt()));
        o.set("lingerUntil", l.gone() ? AvroJson.time(l.lingerUntil()) : F.nullNode());
        o.set("offer", AvroJson.of(l.offer()));
        return o;
    }

    private static ObjectNode queue(QueueEntry q) {
        ObjectNode o = F.objectNode();
        o.put("podKey", q.podKey());
        o.put("seq", q.seq());
        o.set("enqueuedAt", AvroJson.time(q.enqueuedAt()));
        o.set("nextAttemptAt", AvroJson.time(q.nextAttemptAt()));
        o.put("failures", q.failures());
        o.put("noFit", q.noFit());
        o.put("lastShortfall", q.lastShortfall() == null || q.lastShortfall().isEmpty() ? null : q.lastShortfall());
        return o;
    }

    /** Agents by id: the live offers' hostname and resources, and the registry's tasks on them. */
    private Map<String, ObjectNode> agents() {
        Map<String, ObjectNode> agents = new TreeMap<>();
        for (KeyValue<String, LiveOffer> kv : scan(stores.offers(), LiveOffer.class)) {
            LiveOffer l = kv.value;
            if (l.gone()) {
                continue;
            }
            ObjectNode a = agent(agents, l.agentId(), l.offer().getHostname());
            a.put("offers", a.get("offers").asInt() + 1);
            for (Resource r : l.offer().getResources()) {
                if (r.getScalar() != null
                        && (r.getName().equals("cpus") || r.getName().equals("mem"))) {
                    String f = r.getName().equals("cpus") ? "offeredCpus" : "offeredMemMb";
                    a.put(f, a.get(f).asDouble() + r.getScalar());
                }
            }
        }
        for (KeyValue<String, RegistryTask> kv : scan(stores.tasks(), RegistryTask.class)) {
            RegistryTask t = kv.value;
            if (t.getSpec() == null) {
                continue;
            }
            ObjectNode a = agent(agents, t.getSpec().getAgentId(), t.getSpec().getAssignedSlave());
            a.put("tasks", a.get("tasks").asInt() + 1);
        }
        return agents;
    }

    private static ObjectNode agent(Map<String, ObjectNode> agents, String id, String host) {
        return agents.computeIfAbsent(id, k -> {
            ObjectNode a = F.objectNode();
            a.put("agentId", id);
            a.put("hostname", host);
            a.put("offers", 0);
            a.put("offeredCpus", 0.0);
            a.put("offeredMemMb", 0.0);
            a.put("tasks", 0);
            return a;
        });
    }

    private <V> Optional<V> get(String name, Class<V> type, String key) {
        return Optional.ofNullable(type.cast(reader.get(name, key)));
    }

    private <V> List<KeyValue<String, V>> scan(String name, Class<V> type) {
        List<KeyValue<String, V>> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : reader.scan(name)) {
            out.add(KeyValue.pair(e.getKey(), type.cast(e.getValue())));
        }
        out.sort((a, b) -> a.key.compareTo(b.key));
        return out;
    }

    /** What can be asked for, with the store a single key is looked up in (for routing). */
    enum Kind {
        TASKS("tasks"),
        PODS("pods"),
        OFFERS("offers"),
        AGENTS("agents"),
        QUEUE("queue");

        final String path;

        Kind(String path) {
            this.path = path;
        }

        static Optional<Kind> of(String path) {
            for (Kind k : values()) {
                if (k.path.equals(path)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }
}
