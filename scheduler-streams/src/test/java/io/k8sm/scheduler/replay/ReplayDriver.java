package io.k8sm.scheduler.replay;

import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import io.k8sm.scheduler.topology.SchedulerTopics;
import io.k8sm.scheduler.topology.SchedulerTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The scheduler topology in a {@link TopologyTestDriver} fed with raw bytes, whose every output
 * (the output topics and the stores' changelogs) is collected as raw bytes, in order.
 */
final class ReplayDriver implements AutoCloseable {

    static final String APPLICATION_ID = "scheduler-replay";

    /** One output record as bytes: where it went, key, value, timestamp. */
    record Out(String topic, byte[] key, byte[] value, long timestamp) {
        boolean sameBytes(Out o) {
            return topic.equals(o.topic)
                    && Arrays.equals(key, o.key)
                    && Arrays.equals(value, o.value)
                    && timestamp == o.timestamp;
        }

        @Override
        public String toString() {
            return topic
                    + " "
                    + (key == null ? "null" : new String(key, StandardCharsets.UTF_8))
                    + " @"
                    + timestamp
                    + " value "
                    + (value == null ? "null" : value.length + " bytes");
        }
    }

    private final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<String, byte[]>> inputs = new LinkedHashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new LinkedHashMap<>();
    private final Map<String, Long> consumed = new LinkedHashMap<>();

    ReplayDriver(SchedulerTopics topics, SchedulerSerdes serdes, SchedulerStores.Kind stores, Path stateDir) {
        StreamsBuilder b = new StreamsBuilder();
        SchedulerTopology.build(
                b,
                topics,
                SchedulerSettings.defaults(),
                new ProcurementMatcher(ProcurementConfig.defaults()),
                serdes,
                stores);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Only the offset-advancing filler of resume() is unreadable; the recorded stream has no such
        // record.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        driver = new TopologyTestDriver(b.build(), p);
        for (String in : List.of(
                topics.pods(),
                topics.offers(),
                topics.taskStatus(),
                topics.framework(),
                topics.launcherEvents(),
                topics.clock())) {
            inputs.put(in, driver.createInputTopic(in, new StringSerializer(), new ByteArraySerializer()));
            consumed.put(in, 0L);
        }
        List<String> outs = new ArrayList<>(List.of(
                topics.launchRequests(),
                topics.mesosCalls(),
                topics.taskRegistry(),
                topics.schedulerEvents(),
                topics.podActions(),
                topics.deadLetters(),
                topics.inputOrder()));
        for (String store : SchedulerStores.PROCESSOR_STORES) {
            outs.add(changelog(store));
        }
        for (String out : outs) {
            outputs.put(out, driver.createOutputTopic(out, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        }
    }

    static String changelog(String store) {
        return APPLICATION_ID + "-" + store + "-changelog";
    }

    void pipe(List<RecordedStream.Event> events) {
        for (RecordedStream.Event e : events) {
            inputs.get(e.topic()).pipeInput(e.key(), e.value(), e.timestamp());
            consumed.merge(e.topic(), 1L, Long::sum);
        }
    }

    /** How many records of each input topic this driver has consumed (its committed position). */
    Map<String, Long> positions() {
        return Map.copyOf(consumed);
    }

    /** Everything written to {@code topic} since the last read. */
    List<Out> drain(String topic) {
        List<Out> list = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : outputs.get(topic).readRecordsToList()) {
            list.add(new Out(topic, r.key(), r.value(), r.timestamp()));
        }
        return list;
    }

    /** Drains every output and changelog topic, per topic in order. */
    Map<String, List<Out>> drainAll() {
        Map<String, List<Out>> all = new LinkedHashMap<>();
        for (String t : outputs.keySet()) {
            all.put(t, drain(t));
        }
        return all;
    }

    /**
     * What Kafka Streams does when an instance starts on an empty state directory: every store is
     * rebuilt from its changelog by writing the changelog's raw key and value bytes into the inner
     * (RocksDB) store, below the change-logging layer, so the restore writes nothing back. Then the
     * input partitions resume at the committed positions: a new TopologyTestDriver numbers offsets
     * from 0, so each input partition is advanced by unreadable filler records that the
     * deserialization handler skips (the scheduler never sees them).
     */
    void restore(Map<String, List<Out>> changelogs, Map<String, Long> positions) {
        for (String store : SchedulerStores.PROCESSOR_STORES) {
            KeyValueStore<Bytes, byte[]> inner = inner(store);
            for (Out r : changelogs.getOrDefault(changelog(store), List.of())) {
                if (r.value() == null) {
                    inner.delete(Bytes.wrap(r.key()));
                } else {
                    inner.put(Bytes.wrap(r.key()), r.value());
                }
            }
        }
        byte[] filler = {(byte) 0xFF};
        positions.forEach((topic, n) -> {
            for (long i = 0; i < n; i++) {
                inputs.get(topic).pipeInput("filler", filler, 0L);
            }
            consumed.put(topic, n);
        });
    }

    /** The stores' contents as raw bytes, in key order: the scheduler's whole state. */
    Map<String, List<KeyValue<Bytes, byte[]>>> storeContents() {
        return storeContents(SchedulerStores.ALL);
    }

    /** The contents of {@code stores} (of {@link SchedulerStores#PROCESSOR_STORES}) as raw bytes, in key order. */
    Map<String, List<KeyValue<Bytes, byte[]>>> storeContents(List<String> stores) {
        Map<String, List<KeyValue<Bytes, byte[]>>> all = new LinkedHashMap<>();
        for (String store : stores) {
            List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = inner(store).all()) {
                it.forEachRemaining(entries::add);
            }
            all.put(store, entries);
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> inner(String name) {
        StateStore s = driver.getAllStateStores().get(name);
        while (s instanceof WrappedStateStore<?, ?, ?> w) {
            s = w.wrapped();
        }
        return (KeyValueStore<Bytes, byte[]>) s;
    }

    @Override
    public void close() {
        driver.close();
    }
}
