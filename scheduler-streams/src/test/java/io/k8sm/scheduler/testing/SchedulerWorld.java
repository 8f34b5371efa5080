package io.k8sm.scheduler.testing;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.InputOrder;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import io.k8sm.scheduler.topology.SchedulerTopics;
import io.k8sm.scheduler.topology.SchedulerTopology;
import io.k8sm.scheduler.topology.StoreSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The scheduler topology in a {@link TopologyTestDriver}, with an event-time clock that the test
 * moves, and the output topics collected into lists.
 */
public final class SchedulerWorld implements AutoCloseable {

    public static final SchedulerTopics TOPICS = SchedulerTopics.defaults();
    private static final SchedulerSerdes SERDES = SchedulerSerdes.registryFree();

    private final TopologyTestDriver driver;
    private long now = 1_000_000L;

    private final TestInputTopic<String, PodSnapshot> pods;
    private final TestInputTopic<String, OfferEvent> offers;
    private final TestInputTopic<String, TaskStatus> statuses;
    private final TestInputTopic<String, FrameworkEvent> framework;
    private final TestInputTopic<String, LauncherEvent> launcher;
    private final TestInputTopic<String, ClockTick> clock;
    private final TestInputTopic<String, NodeSnapshot> nodes;
    private final TestOutputTopic<String, LaunchRequest> launchOut;
    private final TestOutputTopic<String, MesosCall> callsOut;
    private final TestOutputTopic<String, RegistryTask> registryOut;
    private final TestOutputTopic<String, SchedulerEvent> eventsOut;
    private final TestOutputTopic<String, PodAction> actionsOut;
    private final TestOutputTopic<String, DeadLetter> deadOut;
    private final TestOutputTopic<String, InputOrder> orderOut;

    public final List<LaunchRequest> launches = new ArrayList<>();
    public final List<MesosCall> calls = new ArrayList<>();
    public final List<KeyValue<String, RegistryTask>> registry = new ArrayList<>();
    public final List<SchedulerEvent> events = new ArrayList<>();
    public final List<PodAction> actions = new ArrayList<>();
    public final List<KeyValue<String, DeadLetter>> deadLetters = new ArrayList<>();
    public final List<InputOrder> inputOrder = new ArrayList<>();

    private final Path stateDir;

    public SchedulerWorld() {
        this(SchedulerSettings.defaults());
    }

    public SchedulerWorld(SchedulerSettings settings) {
        this(settings, SchedulerStores.Kind.ROCKSDB);
    }

    /** A world whose stores are of that kind (in-memory for tests of thousands of records). */
    public SchedulerWorld(SchedulerSettings settings, SchedulerStores.Kind stores) {
        StreamsBuilder b = new StreamsBuilder();
        SchedulerTopology.build(
                b, TOPICS, settings, new ProcurementMatcher(ProcurementConfig.defaults()), SERDES, stores);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "scheduler-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A state directory of its own: worlds of parallel builds never share RocksDB files.
        stateDir = createStateDir();
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(b.build(), p);
        StringSerializer ks = new StringSerializer();
        StringDeserializer kd = new StringDeserializer();
        pods = driver.createInputTopic(
                TOPICS.pods(), ks, SERDES.value(PodSnapshot.class).serializer());
        offers = driver.createInputTopic(
                TOPICS.offers(), ks, SERDES.value(OfferEvent.class).serializer());
        statuses = driver.createInputTopic(
                TOPICS.taskStatus(), ks, SERDES.value(TaskStatus.class).serializer());
        framework = driver.createInputTopic(
                TOPICS.framework(), ks, SERDES.value(FrameworkEvent.class).serializer());
        launcher = driver.createInputTopic(
                TOPICS.launcherEvents(), ks, SERDES.value(LauncherEvent.class).serializer());
        clock = driver.createInputTopic(
                TOPICS.clock(), ks, SERDES.value(ClockTick.class).serializer());
        nodes = driver.createInputTopic(
                TOPICS.nodes(), ks, SERDES.value(NodeSnapshot.class).serializer());
        launchOut = driver.createOutputTopic(
                TOPICS.launchRequests(), kd, SERDES.value(LaunchRequest.class).deserializer());
        callsOut = driver.createOutputTopic(
                TOPICS.mesosCalls(), kd, SERDES.value(MesosCall.class).deserializer());
        registryOut = driver.createOutputTopic(
                TOPICS.taskRegistry(), kd, SERDES.value(RegistryTask.class).deserializer());
        eventsOut = driver.createOutputTopic(
                TOPICS.schedulerEvents(), kd, SERDES.value(SchedulerEvent.class).deserializer());
        actionsOut = driver.createOutputTopic(
                TOPICS.podActions(), kd, SERDES.value(PodAction.class).deserializer());
        deadOut = driver.createOutputTopic(
                TOPICS.deadLetters(), kd, SERDES.value(DeadLetter.class).deserializer());
        orderOut = driver.createOutputTopic(
                TOPICS.inputOrder(), kd, SERDES.value(InputOrder.class).deserializer());
    }

    public long now() {
        return now;
    }

    /** Moves event time on by {@code ms} and says so with a clock tick. */
    public SchedulerWorld advance(long ms) {
        now += ms;
        clock.pipeInput("clock", Given.tick(now), now);
        return collect();
    }

    public SchedulerWorld pod(PodSnapshot pod) {
        pods.pipeInput(pod.getNamespace() + "/" + pod.getName(), pod, now);
        return collect();
    }

    /** Pipes a pod snapshot stamped {@code timestamp}, which may be before the world's now (a late record). */
    public SchedulerWorld podAt(PodSnapshot pod, long timestamp) {
        pods.pipeInput(pod.getNamespace() + "/" + pod.getName(), pod, timestamp);
        return collect();
    }

    public SchedulerWorld podDeleted(String podKey) {
        pods.pipeInput(podKey, null, now);
        return collect();
    }

    public SchedulerWorld offer(OfferEvent offer) {
        offers.pipeInput("shard-0", offer, now);
        return collect();
    }

    public SchedulerWorld node(NodeSnapshot node) {
        nodes.pipeInput(node.getName(), node, now);
        return collect();
    }

    public SchedulerWorld status(TaskStatus status) {
        statuses.pipeInput(status.getTaskId(), status, now);
        return collect();
    }

    public SchedulerWorld framework(FrameworkEvent event) {
        framework.pipeInput("k8sm", event, now);
        return collect();
    }

    public SchedulerWorld launcher(LauncherEvent event) {
        launcher.pipeInput(event.getTaskId(), event, now);
        return collect();
    }

    /** Pipes a clock tick whose value may differ from its record's time (the world's now). */
    public SchedulerWorld tick(ClockTick tick) {
        clock.pipeInput("clock", tick, now);
        return collect();
    }

    /** Pipes raw bytes into an input topic (for unreadable records). */
    public SchedulerWorld raw(String topic, byte[] value) {
        driver.createInputTopic(
                        topic, new StringSerializer(), Serdes.ByteArray().serializer())
                .pipeInput("bad", value, now);
        return collect();
    }

    private SchedulerWorld collect() {
        launches.addAll(launchOut.readValuesToList());
        calls.addAll(callsOut.readValuesToList());
        registry.addAll(registryOut.readKeyValuesToList());
        events.addAll(eventsOut.readValuesToList());
        actions.addAll(actionsOut.readValuesToList());
        deadLetters.addAll(deadOut.readKeyValuesToList());
        inputOrder.addAll(orderOut.readValuesToList());
        return this;
    }

    public void clearOutputs() {
        launches.clear();
        calls.clear();
        registry.clear();
        events.clear();
        actions.clear();
        deadLetters.clear();
        inputOrder.clear();
    }

    public RegistryTask task(String taskId) {
        KeyValueStore<String, RegistryTask> tasks = driver.getKeyValueStore(SchedulerStores.TASKS);
        return tasks.get(taskId);
    }

    public RegistryTask taskOfPod(String podKey) {
        KeyValueStore<String, String> index = driver.getKeyValueStore(SchedulerStores.POD_INDEX);
        String id = index.get(podKey);
        return id == null ? null : task(id);
    }

    public List<SchedulerEvent> events(SchedulerEventType type) {
        return events.stream().filter(e -> e.getType() == type).toList();
    }

    public <T> List<T> calls(Class<T> type) {
        return calls.stream()
                .map(MesosCall::getCall)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    /** The raw changelog records of a store, as written so far. */
    public List<KeyValue<String, byte[]>> changelog(String store) {
        return driver.createOutputTopic(
                        "scheduler-test-" + store + "-changelog",
                        new StringDeserializer(),
                        Serdes.ByteArray().deserializer())
                .readKeyValuesToList();
    }

    /** Decodes a value as the topology's input and output topics hold it in these tests. */
    public static <T extends org.apache.avro.specific.SpecificRecord> T decode(Class<T> type, byte[] bytes) {
        return SERDES.value(type).deserializer().deserialize("test", bytes);
    }

    public static RegistryTask decodeTask(byte[] bytes) {
        return StoreSerdes.avro(RegistryTask.class).deserializer().deserialize("changelog", bytes);
    }

    @Override
    public void close() {
        driver.close();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createStateDir() {
        try {
            return Files.createTempDirectory("k8sm-scheduler-world");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
