package io.k8sm.scheduler.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.replay.ReplayDriver.Out;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's engine is the topology's state machine: the recorded stream of {@code
 * ReplayDeterminismTest} through a {@link ReplayShard} over heap stores gives, byte for byte, the
 * stores the topology materialises in a TopologyTestDriver, and the same decisions on every output
 * topic in the same order, and the processor's input-order journal position that {@code k8sm replay
 * --write-to} hands a scheduler. (Heap stores keep objects; this is what shows that no value read
 * from a store is changed in place.)
 */
class ReplayMatchesTopologyTest {

    private static final SchedulerTopics TOPICS = SchedulerTopics.defaults();
    private static final SchedulerSerdes SERDES = SchedulerSerdes.registryFree();

    @Test
    void aReplayShardRebuildsTheTopologysStoresAndDecisionsByteForByte(@TempDir Path dir) {
        List<RecordedStream.Event> stream = RecordedStream.generate(20261124L, 5_000, TOPICS, SERDES);
        Map<String, List<Out>> outputs;
        Map<String, List<KeyValue<Bytes, byte[]>>> stores;
        try (ReplayDriver d = new ReplayDriver(TOPICS, SERDES, SchedulerStores.Kind.IN_MEMORY, dir)) {
            d.pipe(stream);
            outputs = d.drainAll();
            stores = d.storeContents(SchedulerStores.PROCESSOR_STORES);
        }

        InputDecoder decoder = new InputDecoder(TOPICS, SERDES);
        ReplayShard shard = new ReplayShard(
                0, SchedulerSettings.defaults(), new ProcurementMatcher(ProcurementConfig.defaults()), TOPICS.inputs());
        Map<String, List<byte[]>> decided = new LinkedHashMap<>();
        Map<String, Long> offsets = new HashMap<>();
        for (RecordedStream.Event e : stream) {
            long offset = offsets.merge(e.topic(), 1L, Long::sum) - 1;
            SchedulerInput in = decoder.decode(
                    decoder.topics().indexOf(e.topic()),
                    new RecordHeaders(),
                    e.key().getBytes(StandardCharsets.UTF_8),
                    e.value());
            if (in == null) {
                continue;
            }
            for (SchedulerOutput o : shard.apply(in, e.timestamp(), e.topic(), offset)) {
                String topic = topicOf(o);
                if (topic != null) {
                    decided.computeIfAbsent(topic, t -> new ArrayList<>()).add(encode(topic, o));
                }
            }
        }

        for (String topic : List.of(
                TOPICS.launchRequests(),
                TOPICS.mesosCalls(),
                TOPICS.taskRegistry(),
                TOPICS.schedulerEvents(),
                TOPICS.podActions())) {
            List<Out> expected = outputs.get(topic);
            List<byte[]> actual = decided.getOrDefault(topic, List.of());
            assertEquals(expected.size(), actual.size(), topic + ": number of decisions");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i).value(), actual.get(i), topic + ": decision " + i);
            }
        }
        assertEquals(1, shard.inputOrder().view().size(), "the journal position");
        for (Map.Entry<String, HeapKv<?>> store : shard.processorStores().entrySet()) {
            @SuppressWarnings("unchecked")
            Serde<Object> serde = (Serde<Object>) SchedulerStores.valueSerde(store.getKey());
            List<KeyValue<Bytes, byte[]>> expected = stores.get(store.getKey());
            List<Map.Entry<String, ?>> actual =
                    new ArrayList<>(store.getValue().view().entrySet());
            assertEquals(expected.size(), actual.size(), store.getKey() + ": number of entries");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(
                        new String(expected.get(i).key.get(), StandardCharsets.UTF_8),
                        actual.get(i).getKey(),
                        store.getKey() + ": key " + i);
                assertArrayEquals(
                        expected.get(i).value,
                        serde.serializer().serialize("x", actual.get(i).getValue()),
                        store.getKey() + ": value of " + actual.get(i).getKey());
            }
        }
    }

    private static String topicOf(SchedulerOutput o) {
        if (o instanceof SchedulerOutput.Launch) {
            return TOPICS.launchRequests();
        } else if (o instanceof SchedulerOutput.Call) {
            return TOPICS.mesosCalls();
        } else if (o instanceof SchedulerOutput.Registry) {
            return TOPICS.taskRegistry();
        } else if (o instanceof SchedulerOutput.Event) {
            return TOPICS.schedulerEvents();
        } else if (o instanceof SchedulerOutput.Action) {
            return TOPICS.podActions();
        }
        return null;
    }

    private static byte[] encode(String topic, SchedulerOutput o) {
        if (o instanceof SchedulerOutput.Launch l) {
            return SERDES.value(LaunchRequest.class).serializer().serialize(topic, l.request());
        } else if (o instanceof SchedulerOutput.Call c) {
            return SERDES.value(MesosCall.class).serializer().serialize(topic, c.call());
        } else if (o instanceof SchedulerOutput.Registry r) {
            return SERDES.value(RegistryTask.class).serializer().serialize(topic, r.task());
        } else if (o instanceof SchedulerOutput.Event e) {
            return SERDES.value(SchedulerEvent.class).serializer().serialize(topic, e.event());
        }
        return SERDES.value(PodAction.class).serializer().serialize(topic, ((SchedulerOutput.Action) o).action());
    }
}
