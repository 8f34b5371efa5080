package io.k8sm.scheduler.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.k8sm.scheduler.replay.ReplayDriver.Out;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay determinism: a recorded stream of thousands of mixed inputs is run twice from scratch, and
 * once with a restart in the middle where the new instance starts on an empty state directory and
 * gets its state back from the changelogs only. The registry (every store) and every output topic
 * (and the changelogs themselves) must be the same, byte for byte, key, value and timestamp.
 *
 * <p>The long runs use in-memory stores: TopologyTestDriver commits after every record, and RocksDB
 * flushes its memtables to new files on every commit (about 17 ms a record here). That the store
 * kind changes nothing is shown on a shorter prefix of the same stream; the RocksDB restore from
 * the changelog on a real broker is {@code SchedulerOnRealBrokerTest}'s.
 */
class ReplayDeterminismTest {

    private static final long SEED = 20261124L;
    private static final int EVENTS = 5_000;
    private static final SchedulerTopics TOPICS = SchedulerTopics.defaults();
    private static final SchedulerSerdes SERDES = SchedulerSerdes.registryFree();
    private static final SchedulerStores.Kind MEMORY = SchedulerStores.Kind.IN_MEMORY;
    private static final int ROCKSDB_EVENTS = 150;

    private static List<RecordedStream.Event> stream;
    private static Map<String, List<Out>> firstOutputs;
    private static Map<String, List<KeyValue<Bytes, byte[]>>> firstStores;

    @BeforeAll
    static void runOnceFromScratch(@TempDir Path dir) {
        stream = RecordedStream.generate(SEED, EVENTS, TOPICS, SERDES);
        try (ReplayDriver d = new ReplayDriver(TOPICS, SERDES, MEMORY, dir)) {
            d.pipe(stream);
            firstOutputs = d.drainAll();
            firstStores = d.storeContents();
        }
    }

    @Test
    void theRecordedStreamExercisesEveryOutput() {
        for (String topic : List.of(
                TOPICS.launchRequests(),
                TOPICS.mesosCalls(),
                TOPICS.taskRegistry(),
                TOPICS.schedulerEvents(),
                TOPICS.podActions(),
                TOPICS.deadLetters())) {
            assertTrue(
                    firstOutputs.get(topic).size() >= 10,
                    topic + ": " + firstOutputs.get(topic).size() + " records");
        }
        assertTrue(
                firstOutputs.get(TOPICS.launchRequests()).size() >= 200,
                "launches: " + firstOutputs.get(TOPICS.launchRequests()).size());
        assertTrue(
                firstOutputs.get(TOPICS.taskRegistry()).stream().anyMatch(o -> o.value() == null),
                "registry tombstones");
        assertTrue(
                firstStores.get(SchedulerStores.TASKS).size() >= 50,
                "tasks left: " + firstStores.get(SchedulerStores.TASKS).size());
    }

    @Test
    void twoRunsFromScratchGiveTheSameOutputsAndRegistryByteForByte(@TempDir Path dir) {
        try (ReplayDriver d = new ReplayDriver(TOPICS, SERDES, MEMORY, dir)) {
            d.pipe(stream);
            assertSameOutputs(firstOutputs, d.drainAll());
            assertSameStores(firstStores, d.storeContents());
        }
    }

    @Test
    void aRestartInTheMiddleWithStateRestoredFromTheChangelogGivesTheSameOutputsAndRegistry(@TempDir Path dir) {
        int half = stream.size() / 2;
        Map<String, List<Out>> before;
        Map<String, Long> positions;
        try (ReplayDriver first = new ReplayDriver(TOPICS, SERDES, MEMORY, dir.resolve("before"))) {
            first.pipe(stream.subList(0, half));
            before = first.drainAll();
            positions = first.positions();
        } // TopologyTestDriver deletes its state directory on close: nothing local survives
        try (ReplayDriver second = new ReplayDriver(TOPICS, SERDES, MEMORY, dir.resolve("after"))) {
            second.restore(before, positions);
            second.drainAll()
                    .forEach((topic, records) -> assertEquals(
                            List.of(), records, "the restore and the skipped filler write nothing to " + topic));
            second.pipe(stream.subList(half, stream.size()));
            Map<String, List<Out>> after = second.drainAll();
            Map<String, List<Out>> joined = new LinkedHashMap<>();
            before.forEach((topic, records) -> {
                List<Out> all = new ArrayList<>(records);
                all.addAll(after.get(topic));
                joined.put(topic, all);
            });
            assertSameOutputs(firstOutputs, joined);
            assertSameStores(firstStores, second.storeContents());
        }
    }

    @Test
    void rocksDbAndInMemoryStoresGiveTheSameOutputsAndRegistryByteForByte(@TempDir Path dir) {
        List<RecordedStream.Event> prefix = stream.subList(0, ROCKSDB_EVENTS);
        try (ReplayDriver memory = new ReplayDriver(TOPICS, SERDES, MEMORY, dir.resolve("memory"));
                ReplayDriver rocks =
                        new ReplayDriver(TOPICS, SERDES, SchedulerStores.Kind.ROCKSDB, dir.resolve("rocks"))) {
            memory.pipe(prefix);
            rocks.pipe(prefix);
            Map<String, List<Out>> expected = memory.drainAll();
            assertTrue(expected.get(TOPICS.launchRequests()).size() > 0, "the prefix launches pods");
            assertSameOutputs(expected, rocks.drainAll());
            assertSameStores(memory.storeContents(), rocks.storeContents());
        }
    }

    private static void assertSameOutputs(Map<String, List<Out>> expected, Map<String, List<Out>> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String topic : expected.keySet()) {
            List<Out> e = expected.get(topic);
            List<Out> a = actual.get(topic);
            for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
                if (!e.get(i).sameBytes(a.get(i))) {
                    fail(topic + ": record " + i + " differs: expected " + e.get(i) + ", got " + a.get(i));
                }
            }
            assertEquals(e.size(), a.size(), topic + ": number of records");
        }
    }

    private static void assertSameStores(
            Map<String, List<KeyValue<Bytes, byte[]>>> expected, Map<String, List<KeyValue<Bytes, byte[]>>> actual) {
        for (String store : expected.keySet()) {
            List<KeyValue<Bytes, byte[]>> e = expected.get(store);
            List<KeyValue<Bytes, byte[]>> a = actual.get(store);
            assertEquals(e.size(), a.size(), store + ": number of entries");
            for (int i = 0; i < e.size(); i++) {
                if (!e.get(i).key.equals(a.get(i).key) || !Arrays.equals(e.get(i).value, a.get(i).value)) {
                    fail(store + ": entry " + i + " differs: expected key " + e.get(i).key + ", got " + a.get(i).key);
                }
            }
        }
    }
}
