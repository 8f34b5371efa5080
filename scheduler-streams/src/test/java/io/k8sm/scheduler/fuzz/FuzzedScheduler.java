package io.k8sm.scheduler.fuzz;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.Resource;
import io.k8sm.avro.TaskStatus;
import io.k8sm.deadletter.DeadLetterConfig;
import io.k8sm.deadletter.DeadLetterDeserializationHandler;
import io.k8sm.deadletter.DeadLetterProcessingHandler;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import io.k8sm.scheduler.topology.SchedulerTopics;
import io.k8sm.scheduler.topology.SchedulerTopology;
import io.k8sm.scheduler.topology.StoreSerdes;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real scheduler topology with the production serdes (Confluent wire format through a schema
 * registry, here the in-memory one) and the production dead-letter handlers (their publisher on a
 * {@link MockProducer}), fed raw bytes on its input topics. Counts, per topic, what was tried, what
 * crashed (an exception out of the driver, or a processor exception caught by the processing
 * handler), what was dead-lettered (by the deserialization handler or by the topology) and with a
 * reason.
 */
final class FuzzedScheduler implements AutoCloseable {

    static final SchedulerTopics TOPICS = SchedulerTopics.defaults();

    /** Input topic → the value class its records carry. */
    static final Map<String, Class<? extends SpecificRecord>> INPUTS = new LinkedHashMap<>();

    static {
        INPUTS.put(TOPICS.pods(), PodSnapshot.class);
        INPUTS.put(TOPICS.offers(), OfferEvent.class);
        INPUTS.put(TOPICS.taskStatus(), TaskStatus.class);
        INPUTS.put(TOPICS.framework(), FrameworkEvent.class);
        INPUTS.put(TOPICS.launcherEvents(), LauncherEvent.class);
        INPUTS.put(TOPICS.clock(), ClockTick.class);
    }

    /** The outcome of one record. */
    enum Outcome {
        APPLIED,
        DEAD_LETTERED,
        DEAD_LETTERED_WITHOUT_REASON,
        CRASH
    }

    /** Counts of one topic. */
    static final class Tally {
        int tried;
        int crashes;
        int deadLettered;
        int withoutReason;
        int applied;
        final List<String> crashReports = new ArrayList<>();

        String line(String what) {
            return String.format(
                    "fuzz %s: %d tried, %d crashes, %d dead-lettered with reason, %d dead-lettered without reason,"
                            + " %d applied",
                    what, tried, crashes, deadLettered - withoutReason, withoutReason, applied);
        }
    }

    /** Counts the production handlers' calls; the work is theirs. */
    public static final class CountingDeserializationHandler extends DeadLetterDeserializationHandler {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public Response handleError(
                ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            CALLS.incrementAndGet();
            return super.handleError(context, record, exception);
        }
    }

    /** Counts processor exceptions (each a crash the safety net caught). */
    public static final class CountingProcessingHandler extends DeadLetterProcessingHandler {
        static final AtomicInteger CALLS = new AtomicInteger();
        static final List<String> LAST = new ArrayList<>();

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            CALLS.incrementAndGet();
            synchronized (LAST) {
                LAST.add(exception.toString());
            }
            return super.handleError(context, record, exception);
        }
    }

    private final String scope = "fuzz-" + UUID.randomUUID();
    private final InMemorySchemaRegistryClient registry = InMemorySchemaRegistryClient.scope(scope);
    private final SchedulerSerdes serdes =
            SchedulerSerdes.registry(Map.of("schema.registry.url", InMemorySchemaRegistryClient.MOCK_SCHEME + scope));
    private final MockProducer<byte[], byte[]> deadLetterProducer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new LinkedHashMap<>();
    private final TestOutputTopic<byte[], byte[]> deadOut;
    private final Map<String, Integer> schemaIds = new LinkedHashMap<>();
    final Map<String, Tally> tallies = new LinkedHashMap<>();
    private int handledLetters;

    FuzzedScheduler() {
        StreamsBuilder b = new StreamsBuilder();
        SchedulerTopology.build(
                b,
                TOPICS,
                SchedulerSettings.defaults(),
                new ProcurementMatcher(ProcurementConfig.defaults()),
                serdes,
                SchedulerStores.Kind.IN_MEMORY);
        try {
            stateDir = Files.createTempDirectory("k8sm-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "scheduler-fuzz");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, CountingDeserializationHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, CountingProcessingHandler.class);
        p.put(
                DeadLetterConfig.PUBLISHER,
                new DeadLetterPublisher(
                        deadLetterProducer,
                        TOPICS.deadLetters(),
                        StoreSerdes.avro(DeadLetter.class).serializer(),
                        Clock.systemUTC()));
        driver = new TopologyTestDriver(b.build(), p);
        for (Map.Entry<String, Class<? extends SpecificRecord>> in : INPUTS.entrySet()) {
            inputs.put(
                    in.getKey(),
                    driver.createInputTopic(in.getKey(), new ByteArraySerializer(), new ByteArraySerializer()));
            schemaIds.put(in.getKey(), registry.register(in.getKey() + "-value", schemaOf(in.getValue())));
            tallies.put(in.getKey(), new Tally());
        }
        deadOut = driver.createOutputTopic(
                TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static Schema schemaOf(Class<? extends SpecificRecord> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    int schemaId(String topic) {
        return schemaIds.get(topic);
    }

    /** Whether the production deserializer of {@code topic} reads {@code value}. */
    boolean readable(String topic, byte[] value) {
        try {
            serdes.value(INPUTS.get(topic)).deserializer().deserialize(topic, value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Pipes one record and classifies what became of it. */
    Outcome pipe(String topic, byte[] key, byte[] value, long timestamp) {
        Tally t = tallies.get(topic);
        t.tried++;
        int deser = CountingDeserializationHandler.CALLS.get();
        int proc = CountingProcessingHandler.CALLS.get();
        try {
            inputs.get(topic).pipeInput(key, value, timestamp);
        } catch (RuntimeException | Error e) {
            t.crashes++;
            t.crashReports.add(e.toString());
            return Outcome.CRASH;
        }
        if (CountingProcessingHandler.CALLS.get() > proc) {
            t.crashes++;
            synchronized (CountingProcessingHandler.LAST) {
                t.crashReports.add("processor exception: " + CountingProcessingHandler.LAST);
                CountingProcessingHandler.LAST.clear();
            }
            drainLetters();
            return Outcome.CRASH;
        }
        List<DeadLetter> letters = drainLetters();
        boolean unreadable = CountingDeserializationHandler.CALLS.get() > deser;
        if (letters.isEmpty()) {
            if (unreadable) {
                t.crashes++;
                t.crashReports.add("unreadable record without a dead letter");
                return Outcome.CRASH;
            }
            t.applied++;
            return Outcome.APPLIED;
        }
        t.deadLettered++;
        boolean reasons = letters.stream()
                .allMatch(l -> l.getReason() != null
                        && !l.getReason().isBlank()
                        && l.getSourceTopic().equals(topic));
        if (!reasons) {
            t.withoutReason++;
            return Outcome.DEAD_LETTERED_WITHOUT_REASON;
        }
        return Outcome.DEAD_LETTERED;
    }

    private List<DeadLetter> drainLetters() {
        List<DeadLetter> out = new ArrayList<>();
        var read = StoreSerdes.avro(DeadLetter.class).deserializer();
        for (var kv : deadOut.readKeyValuesToList()) {
            out.add(serdes.value(DeadLetter.class).deserializer().deserialize(TOPICS.deadLetters(), kv.value));
        }
        List<ProducerRecord<byte[], byte[]>> history = deadLetterProducer.history();
        for (int i = handledLetters; i < history.size(); i++) {
            out.add(read.deserialize(TOPICS.deadLetters(), history.get(i).value()));
        }
        handledLetters = history.size();
        return out;
    }

    /**
     * What the registry holds that it must never hold: a task without id or pod, resources that are
     * negative, NaN or infinite, a range that ends before it begins, a pod index entry pointing
     * to a task of another pod.
     */
    List<String> inconsistencies() {
        List<String> bad = new ArrayList<>();
        KeyValueStore<String, RegistryTask> tasks = driver.getKeyValueStore(SchedulerStores.TASKS);
        try (KeyValueIterator<String, RegistryTask> it = tasks.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                RegistryTask task = kv.value;
                if (task == null) {
                    continue;
                }
                if (!kv.key.equals(task.getId())
                        || task.getId().isEmpty()
                        || task.getPodKey().isEmpty()) {
                    bad.add("task " + kv.key + " has id '" + task.getId() + "' and pod '" + task.getPodKey() + "'");
                }
                if (task.getSpec() != null) {
                    List<Resource> all = new ArrayList<>(task.getSpec().getResources());
                    all.addAll(task.getSpec().getExecutorResources());
                    for (Resource r : all) {
                        Double s = r.getScalar();
                        if (s != null && (s.isNaN() || s.isInfinite() || s < 0)) {
                            bad.add("task " + kv.key + " holds " + r.getName() + " = " + s);
                        }
                        r.getRanges().forEach(range -> {
                            if (range.getEnd() < range.getBegin()) {
                                bad.add("task " + kv.key + " holds range " + range);
                            }
                        });
                    }
                }
            }
        }
        KeyValueStore<String, String> index = driver.getKeyValueStore(SchedulerStores.POD_INDEX);
        try (KeyValueIterator<String, String> it = index.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                RegistryTask task = kv.value == null ? null : tasks.get(kv.value);
                if (task != null && !task.getPodKey().equals(kv.key)) {
                    bad.add("pod index " + kv.key + " -> task " + kv.value + " of pod " + task.getPodKey());
                }
            }
        }
        return bad;
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistryClient.dropScope(scope);
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
