package io.k8sm.app;

import static io.k8sm.app.CommandLineTest.k8sm;
import static io.k8sm.app.CommandLineTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.avro.Container;
import io.k8sm.avro.ContainerPort;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Protocol;
import io.k8sm.avro.Range;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.Resource;
import io.k8sm.avro.Subscribed;
import io.k8sm.avro.TaskSpec;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.avro.TaskStatusSource;
import io.k8sm.avro.ValueType;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.scheduler.replay.RegistryDiff;
import io.k8sm.scheduler.replay.Replay;
import io.k8sm.scheduler.replay.ReplayLimits;
import io.k8sm.scheduler.replay.ReplayResult;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerService;
import io.k8sm.scheduler.topology.SchedulerStores;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code k8sm replay} against a run of the real scheduler on the test broker: a scheduler places
 * pods on offers, the test plays Mesos and the launcher (statuses, launcher events, a deletion), and
 * the replay of the input topics must equal the registry the scheduler wrote. The tests share that
 * one run (prefix {@code rp.}) and go in order: the last ones alter the registry and replace the
 * scheduler.
 */
@WithKafkaWorld
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayCommandTest {

    private static final String PREFIX = "rp.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunOfTheScheduler run;

    /** The recorded run: the scheduler, its topics, the registry as it was after the first phase. */
    static final class RunOfTheScheduler {
        final KafkaWorld world;
        final SchedulerConfig config;
        final SchedulerTopics topics;
        final SchedulerSerdes serdes;
        SchedulerService scheduler;
        long middle;
        Map<String, RegistryTask> registryInTheMiddle;
        Map<TopicPartition, Long> offsetsInTheMiddle;

        /** Topics under {@code prefix} ({@code topics create} with {@code createFlags}) and a scheduler on them. */
        RunOfTheScheduler(KafkaWorld world, String prefix, String applicationId, String... createFlags)
                throws Exception {
            this.world = world;
            config = config(world, prefix, applicationId);
            topics = config.schedulerTopics();
            serdes = SchedulerSerdes.registry(config.kafka());
            List<String> create = new ArrayList<>(List.of("topics", "create", "--replication-factor", "1"));
            create.addAll(List.of(createFlags));
            Run created = k8sm(with(world, prefix, create.toArray(String[]::new)));
            assertEquals(0, created.exit(), created.err());
            scheduler = new SchedulerService(config);
            scheduler.start();
        }

        /** The recorded run of the shared tests (prefix {@code rp.}). */
        RunOfTheScheduler(KafkaWorld world) throws Exception {
            this(world, PREFIX, "rp-scheduler");
            send(
                    topics.framework(),
                    "k8sm",
                    new FrameworkEvent(new Subscribed("fw-1", 15.0, "master-1")),
                    FrameworkEvent.class);
            for (int a = 0; a < 3; a++) {
                send(topics.offers(), "0", offer("o-" + a, "agent-" + a, "host-" + a, 4, 8192), OfferEvent.class);
            }
            for (int p = 0; p < 10; p++) {
                middle = send(topics.pods(), "default/p" + p, pod("p" + p, p % 3 == 0 ? 0 : -1), PodSnapshot.class);
            }
            awaitCaughtUp();
            registryInTheMiddle = registry();
            try (Admin admin = world.admin()) {
                offsetsInTheMiddle = ends(admin, inputs(topics));
            }
            assertEquals(10, registryInTheMiddle.size(), registryInTheMiddle.toString());
            Thread.sleep(5); // the second phase's records get later append times than `middle`

            List<RegistryTask> tasks = new ArrayList<>(registryInTheMiddle.values());
            for (int i = 0; i < tasks.size(); i++) {
                RegistryTask t = tasks.get(i);
                if (t.getSpec() == null) {
                    continue;
                }
                if (i < 7) {
                    send(
                            topics.launcherEvents(),
                            t.getId(),
                            launcher(t, LauncherEventType.LAUNCHED),
                            LauncherEvent.class);
                    send(topics.launcherEvents(), t.getId(), launcher(t, LauncherEventType.BOUND), LauncherEvent.class);
                }
                if (i < 5) {
                    send(topics.taskStatus(), t.getId(), status(t, TaskState.TASK_RUNNING), TaskStatus.class);
                }
            }
            send(topics.pods(), "default/p9", null, PodSnapshot.class);
            send(topics.offers(), "0", offer("o-3", "agent-3", "host-3", 8, 16384), OfferEvent.class);
            send(topics.pods(), "default/p10", pod("p10", 0), PodSnapshot.class);
            awaitCaughtUp();
        }

        static SchedulerConfig config(KafkaWorld world, String applicationId) throws Exception {
            return config(world, PREFIX, applicationId);
        }

        static SchedulerConfig config(KafkaWorld world, String prefix, String applicationId) throws Exception {
            Map<String, Object> cfg = new HashMap<>();
            cfg.put("bootstrap.servers", world.bootstrapServers());
            cfg.put("schema.registry.url", world.registryUrl());
            cfg.put("topics.prefix", prefix);
            cfg.put(SchedulerConfig.APPLICATION_ID, applicationId);
            cfg.put(
                    SchedulerConfig.STATE_DIR,
                    Files.createTempDirectory("replay-test").toString());
            cfg.put("kafka.commit.interval.ms", "100");
            return SchedulerConfig.fromMap(cfg);
        }

        /** Sends one record, waits for it and returns its (broker append) time. */
        <T extends SpecificRecord> long send(String topic, String key, T value, Class<T> type) throws Exception {
            return send(topic, null, key, value, type);
        }

        /** Sends one record to {@code partition} (null: by its key), waits for it and returns its time. */
        <T extends SpecificRecord> long send(String topic, Integer partition, String key, T value, Class<T> type)
                throws Exception {
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(world.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
                byte[] bytes =
                        value == null ? null : serdes.value(type).serializer().serialize(topic, value);
                long ts = producer.send(new ProducerRecord<>(topic, partition, key, bytes))
                        .get()
                        .timestamp();
                Thread.sleep(3); // no two inputs share a millisecond: the order is the records' time order
                return ts;
            }
        }

        void awaitCaughtUp() throws Exception {
            ReplayCommandTest.awaitCaughtUp(world, config.applicationId(), inputs(topics));
        }

        Map<String, RegistryTask> registry() {
            return RegistryDiff.readLive(
                    config.kafka().kafkaProperties(),
                    topics.taskRegistry(),
                    serdes,
                    Optional.empty(),
                    Duration.ofSeconds(30));
        }
    }

    static synchronized RunOfTheScheduler run(KafkaWorld world) throws Exception {
        if (run == null) {
            run = new RunOfTheScheduler(world);
        }
        return run;
    }

    @Test
    @Order(1)
    void aReplayOfTheRunEqualsTheLiveRegistry(KafkaWorld world) throws Exception {
        RunOfTheScheduler r = run(world);
        Run replay = k8sm(with(world, PREFIX, "replay", "--compare", "-D", "scheduler.application.id=rp-scheduler"));
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        assertTrue(replay.out().contains("0 difference(s)"), replay.out());
        assertTrue(replay.out().contains("events/s"), replay.out());

        Run json = k8sm(with(world, PREFIX, "replay", "-o", "json"));
        assertEquals(0, json.exit(), json.err());
        JsonNode summary = JSON.readTree(json.out());
        Map<String, RegistryTask> live = r.registry();
        assertEquals(live.size(), summary.get("tasks").get("total").asInt(), json.out());
        long running = live.values().stream()
                .filter(t -> t.getState().name().equals("RUNNING"))
                .count();
        assertTrue(running > 0, "the statuses of the run made tasks Running: " + live);
        assertEquals(running, summary.get("tasks").get("byState").get("RUNNING").asLong(), json.out());
    }

    @Test
    @Order(2)
    void aReplayUntilTheMiddleOfTheRunEqualsTheRegistryAsItWasThen(KafkaWorld world) throws Exception {
        RunOfTheScheduler r = run(world);
        ReplayResult middle = Replay.run(
                r.config,
                r.serdes,
                new ReplayLimits(Optional.of(r.middle), Map.of()),
                Duration.ofSeconds(30),
                System::nanoTime,
                Long.MAX_VALUE,
                p -> {});
        assertEquals(List.of(), RegistryDiff.compare(r.registryInTheMiddle, middle.registry()));
        assertTrue(!r.registryInTheMiddle.equals(r.registry()), "the second phase changed the registry");

        Run cli = k8sm(with(
                world,
                PREFIX,
                "replay",
                "--compare",
                "--until",
                Instant.ofEpochMilli(r.middle).toString()));
        assertEquals(0, cli.exit(), cli.out() + cli.err());
    }

    @Test
    @Order(3)
    void aReplayUntilTheOffsetsOfTheMiddleOfTheRunEqualsTheRegistryAsItWasThen(KafkaWorld world) throws Exception {
        RunOfTheScheduler r = run(world);
        ReplayResult middle = Replay.run(
                r.config,
                r.serdes,
                new ReplayLimits(Optional.empty(), r.offsetsInTheMiddle),
                Duration.ofSeconds(30),
                System::nanoTime,
                Long.MAX_VALUE,
                p -> {});
        assertEquals(List.of(), RegistryDiff.compare(r.registryInTheMiddle, middle.registry()));
        r.offsetsInTheMiddle.forEach(
                (tp, o) -> assertEquals(o, middle.stop().get(tp), tp + ": where the replay stopped"));
        assertTrue(!r.registryInTheMiddle.equals(r.registry()), "the second phase changed the registry");

        String offsets = r.offsetsInTheMiddle.entrySet().stream()
                .map(e -> e.getKey().topic() + ":" + e.getKey().partition() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        Run cli = k8sm(with(world, PREFIX, "replay", "--until-offsets", offsets, "-o", "json"));
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        JsonNode tasks = JSON.readTree(cli.out()).get("tasks");
        assertEquals(r.registryInTheMiddle.size(), tasks.get("total").asInt(), cli.out());
        Map<String, Long> byState = r.registryInTheMiddle.values().stream()
                .collect(Collectors.groupingBy(t -> t.getState().name(), TreeMap::new, Collectors.counting()));
        Map<String, Long> replayedByState = new TreeMap<>();
        tasks.get("byState").fields().forEachRemaining(f -> {
            if (f.getValue().asLong() > 0) {
                replayedByState.put(f.getKey(), f.getValue().asLong());
            }
        });
        assertEquals(byState, replayedByState, cli.out());
    }

    @Test
    @Order(4)
    void aReplayNeverWritesToATopicNorJoinsAGroup(KafkaWorld world) throws Exception {
        RunOfTheScheduler r = run(world);
        try (Admin admin = world.admin()) {
            Map<TopicPartition, Long> before = everyEndOffset(admin);
            Set<String> groupsBefore = groups(admin);
            assertEquals(0, k8sm(with(world, PREFIX, "replay")).exit());
            assertEquals(
                    0,
                    k8sm(with(world, PREFIX, "replay", "--compare", "--policy", "bin-pack"))
                            .exit());
            assertEquals(before, everyEndOffset(admin), "end offsets of every topic of the run");
            assertEquals(groupsBefore, groups(admin));
        }
    }

    @Test
    @Order(5)
    void aWhatIfPlacesTheRecordedPodsUnderAnotherPolicy(KafkaWorld world) throws Exception {
        run(world);
        Run whatIf = k8sm(with(world, PREFIX, "replay", "--policy", "bin-pack", "-o", "json"));
        assertEquals(0, whatIf.exit(), whatIf.err());
        JsonNode w = JSON.readTree(whatIf.out()).get("whatIf");
        assertEquals(
                "bin-pack", w.get("settings").get("scheduler.placement.policy").asText());
        // ten pods registered, one deleted: nine pods, each fits one of the agents seen
        assertEquals(10, w.get("recorded").get("pods").asInt(), w.toString());
        assertEquals(10, w.get("batchWhatIf").get("placed").asInt(), w.toString());
        assertTrue(w.get("batchWhatIf").get("agentsUsed").asInt() >= 1, w.toString());
        assertTrue(w.get("batchWhatIf").get("cpuUtilisation").asDouble() > 0, w.toString());
        Run text = k8sm(with(world, PREFIX, "replay", "--policy", "bin-pack"));
        assertTrue(text.out().contains("agents used") && text.out().contains("pods that would have moved"), text.out());
    }

    @Test
    @Order(6)
    void anAlteredRegistryRecordIsReportedWithItsFieldAndExitCode1(KafkaWorld world) throws Exception {
        RunOfTheScheduler r = run(world);
        RegistryTask placed = r.registry().values().stream()
                .filter(t -> t.getSpec() != null)
                .findFirst()
                .orElseThrow();
        TaskSpec spec = TaskSpec.newBuilder(placed.getSpec())
                .setAssignedSlave("elsewhere")
                .build();
        r.send(
                r.topics.taskRegistry(),
                placed.getId(),
                RegistryTask.newBuilder(placed).setSpec(spec).build(),
                RegistryTask.class);
        Run replay = k8sm(with(world, PREFIX, "replay", "--compare"));
        assertEquals(1, replay.exit(), replay.out() + replay.err());
        assertTrue(replay.out().contains("1 difference(s)"), replay.out());
        assertTrue(
                replay.out()
                        .contains(placed.getId() + " spec.assignedSlave: live elsewhere, replay "
                                + placed.getSpec().getAssignedSlave()),
                replay.out());
    }

    @Test
    @Order(7)
    void writeToRefusesAPrefixWhoseJournalPositionChangelogExists(KafkaWorld world) throws Exception {
        run(world);
        String taken = "rp.taken.scheduler-" + SchedulerStores.INPUT_ORDER + "-changelog";
        try (Admin admin = world.admin()) {
            admin.createTopics(List.of(new NewTopic(taken, 1, (short) 1))).all().get();
        }
        Run write = k8sm(with(world, PREFIX, "replay", "--write-to", "rp.taken."));
        assertEquals(2, write.exit(), write.out() + write.err());
        assertTrue(write.err().contains("topic " + taken + " already exists"), write.err());
        try (Admin admin = world.admin()) {
            Set<String> written = admin.listTopics().names().get().stream()
                    .filter(n -> n.startsWith("rp.taken."))
                    .collect(Collectors.toSet());
            assertEquals(Set.of(taken), written, "nothing written under the refused prefix");
        }
    }

    @Test
    @Order(8)
    void aSchedulerStartedOnWhatReplayWroteHasTheStateAndGoesOnWhereTheReplayStopped(KafkaWorld world)
            throws Exception {
        RunOfTheScheduler r = run(world);
        Map<String, String> livePosition = storeContents(r.scheduler, SchedulerStores.INPUT_ORDER);
        assertEquals(Set.of("position"), livePosition.keySet(), "the live scheduler's input-order position");
        r.scheduler.close(); // the recovery: the old scheduler is gone
        Run write = k8sm(with(world, PREFIX, "replay", "--write-to", "rp.recovered."));
        assertEquals(0, write.exit(), write.out() + write.err());
        assertTrue(write.out().contains("scheduler.application.id=rp.recovered.scheduler"), write.out());
        Map<String, RegistryTask> replayed = Replay.run(
                        r.config,
                        r.serdes,
                        ReplayLimits.none(),
                        Duration.ofSeconds(30),
                        System::nanoTime,
                        Long.MAX_VALUE,
                        p -> {})
                .registry();

        int launchesBefore = launches(r, null).size();
        SchedulerService recovered = new SchedulerService(RunOfTheScheduler.config(world, "rp.recovered.scheduler"));
        recovered.start();
        try {
            assertEquals(
                    replayed,
                    storeContents(recovered, SchedulerStores.TASKS),
                    "the recovered scheduler's registry store");
            assertEquals(
                    livePosition,
                    storeContents(recovered, SchedulerStores.INPUT_ORDER),
                    "the recovered scheduler journals its inputs from where the live one was");
            // p10 waits in the queue the replay rebuilt (the run's last offer went to an older pod)
            assertTrue(replayed.values().stream()
                    .anyMatch(t -> t.getPodKey().equals("default/p10") && t.getSpec() == null));
            r.send(r.topics.pods(), "default/p11", pod("p11", -1), PodSnapshot.class);
            r.send(r.topics.offers(), "0", offer("o-9", "agent-9", "host-9", 8, 16384), OfferEvent.class);
            List<String> launched = launches(r, "default/p11");
            assertEquals(
                    List.of("default/p10", "default/p11"),
                    launched.subList(launchesBefore, launched.size()),
                    "launch requests after the recovery: the waiting pod's and the new one's, nothing launched again");
        } finally {
            recovered.close();
        }
    }

    @Test
    @Order(9)
    void aSchedulerRecoversOnInputTopicsOfTwoPartitionsOneOfThemEmpty(KafkaWorld world) throws Exception {
        List<String> flags = new ArrayList<>();
        for (String t : List.of("pods", "offers", "task-status", "framework", "launcher-events", "clock", "nodes")) {
            flags.addAll(List.of("-D", "topics." + t + ".partitions=2"));
        }
        RunOfTheScheduler r = new RunOfTheScheduler(world, "rp2.", "rp2-scheduler", flags.toArray(String[]::new));
        Map<String, String> livePosition;
        try {
            // every input on partition 0: shard 1 has none
            r.send(
                    r.topics.framework(),
                    0,
                    "k8sm",
                    new FrameworkEvent(new Subscribed("fw-1", 15.0, "master-1")),
                    FrameworkEvent.class);
            r.send(r.topics.offers(), 0, "0", offer("o-0", "agent-0", "host-0", 4, 8192), OfferEvent.class);
            r.send(r.topics.pods(), 0, "default/a", pod("a", -1), PodSnapshot.class);
            r.send(r.topics.offers(), 0, "0", offer("o-1", "agent-1", "host-1", 4, 8192), OfferEvent.class);
            r.send(r.topics.pods(), 0, "default/b", pod("b", -1), PodSnapshot.class);
            r.awaitCaughtUp();
            livePosition = storeContents(r.scheduler, SchedulerStores.INPUT_ORDER);
            assertEquals(Set.of("position"), livePosition.keySet(), "the live scheduler's input-order position");
        } finally {
            r.scheduler.close();
        }

        Run write = k8sm(with(world, "rp2.", "replay", "--write-to", "rp2.recovered."));
        assertEquals(0, write.exit(), write.out() + write.err());
        try (Admin admin = world.admin()) {
            for (String store : SchedulerStores.PROCESSOR_STORES) {
                String changelog = "rp2.recovered.scheduler-" + store + "-changelog";
                assertEquals(2, partitions(admin, changelog).size(), changelog + ": as many partitions as the inputs");
            }
        }
        Map<String, RegistryTask> replayed = Replay.run(
                        r.config,
                        r.serdes,
                        ReplayLimits.none(),
                        Duration.ofSeconds(30),
                        System::nanoTime,
                        Long.MAX_VALUE,
                        p -> {})
                .registry();
        assertEquals(2, replayed.size(), replayed.toString());
        int launchesBefore = launches(r, null).size();
        SchedulerService recovered =
                new SchedulerService(RunOfTheScheduler.config(world, "rp2.", "rp2.recovered.scheduler"));
        recovered.start();
        try {
            assertEquals(replayed, storeContents(recovered, SchedulerStores.TASKS), "the recovered registry store");
            assertEquals(
                    livePosition,
                    storeContents(recovered, SchedulerStores.INPUT_ORDER),
                    "the recovered scheduler journals its inputs from where the live one was");
            r.send(r.topics.pods(), 0, "default/c", pod("c", -1), PodSnapshot.class);
            r.send(r.topics.offers(), 0, "0", offer("o-2", "agent-2", "host-2", 4, 8192), OfferEvent.class);
            List<String> launched = launches(r, "default/c");
            assertEquals(
                    List.of("default/c"),
                    launched.subList(launchesBefore, launched.size()),
                    "launch requests after the recovery: the new pod's, nothing launched again");
        } finally {
            recovered.close();
        }
    }

    @Test
    void helpShowsAnExample() {
        Run help = k8sm("replay", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Examples:") && help.out().contains("k8sm replay --compare"), help.out());
    }

    @Test
    void anUnreachableClusterFailsWithinTheTimeoutNamingTheAddress() {
        Run r = k8sm("replay", "-b", "127.0.0.1:1", "--timeout", "2");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("cannot reach the Kafka cluster at 127.0.0.1:1"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void emptyInputTopicsAreNothingToReplay(KafkaWorld world) {
        assertEquals(
                0,
                k8sm(with(world, "rpempty.", "topics", "create", "--replication-factor", "1"))
                        .exit());
        Run r = k8sm(with(world, "rpempty.", "replay"));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("nothing to replay"), r.err());
    }

    @Test
    void missingTopicsAndBadLimitsAreUsageErrors(KafkaWorld world) {
        Run missing = k8sm(with(world, "rpnone.", "replay", "--timeout", "5"));
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.err().contains("rpnone.pods does not exist"), missing.err());
        Run badTime = k8sm(with(world, "rpnone.", "replay", "--until", "yesterday"));
        assertEquals(2, badTime.exit(), badTime.err());
        assertTrue(badTime.err().contains("ISO-8601"), badTime.err());
        Run badOffsets = k8sm(with(world, "rpnone.", "replay", "--until-offsets", "pods=3"));
        assertEquals(2, badOffsets.exit(), badOffsets.err());
        assertTrue(badOffsets.err().contains("TOPIC:PARTITION=OFFSET"), badOffsets.err());
    }

    // --- the run's records

    static OfferEvent offer(String id, String agent, String host, double cpus, double memMb) {
        List<Resource> rs = List.of(
                new Resource("cpus", ValueType.SCALAR, cpus, List.of(), List.of(), "*", null),
                new Resource("mem", ValueType.SCALAR, memMb, List.of(), List.of(), "*", null),
                new Resource(
                        "ports", ValueType.RANGES, null, List.of(new Range(31000L, 31100L)), List.of(), "*", null));
        return new OfferEvent(Offer.newBuilder()
                .setId(id)
                .setFrameworkId("fw-1")
                .setAgentId(agent)
                .setHostname(host)
                .setResources(rs)
                .setAttributes(List.of())
                .setExecutorIds(List.of())
                .setUrl(null)
                .build());
    }

    /** A pod of one container, 1 cpu and 512 MB; with {@code hostPort} 0 a wildcard host port. */
    static PodSnapshot pod(String name, int hostPort) {
        List<ContainerPort> ports =
                hostPort < 0 ? List.of() : List.of(new ContainerPort("http", 8080, hostPort, Protocol.TCP));
        return PodSnapshot.newBuilder()
                .setUid("uid-" + name)
                .setNamespace("default")
                .setName(name)
                .setResourceVersion("1")
                .setSchedulerName(null)
                .setLabels(Map.of())
                .setAnnotations(Map.of())
                .setNodeName(null)
                .setNodeSelector(Map.of())
                .setContainers(List.of(new Container("c0", "busybox", 1.0, 512L * 1024 * 1024, ports, null, null)))
                .setPhase(null)
                .setHostIP(null)
                .setPodIP(null)
                .setReady(false)
                .setDeletionTimestamp(null)
                .setManifest("{}")
                .build();
    }

    static LauncherEvent launcher(RegistryTask t, LauncherEventType type) {
        return new LauncherEvent(
                t.getId(), t.getPodKey(), type, null, t.getSpec().getAssignedSlave(), Instant.ofEpochMilli(0));
    }

    static TaskStatus status(RegistryTask t, TaskState state) {
        return TaskStatus.newBuilder()
                .setTaskId(t.getId())
                .setState(state)
                .setReason(null)
                .setSource(TaskStatusSource.SOURCE_EXECUTOR)
                .setMessage(null)
                .setUuid(null)
                .setAgentId(t.getSpec().getAgentId())
                .setExecutorId(null)
                .setTimestamp(0.0)
                .setData(null)
                .setHealthy(null)
                .build();
    }

    // --- reading the cluster

    /** Until the scheduler's group {@code group} has committed every record of {@code inputs}. */
    static void awaitCaughtUp(KafkaWorld world, String group, List<TopicPartition> inputs) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = world.admin()) {
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, Long> end = ends(admin, inputs);
                boolean caughtUp = true;
                for (TopicPartition tp : inputs) {
                    OffsetAndMetadata c = committed.get(tp);
                    caughtUp &= end.get(tp) == 0 || (c != null && c.offset() >= end.get(tp));
                }
                if (caughtUp) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the scheduler did not commit every input of " + inputs + " within 60 s");
    }

    static List<TopicPartition> inputs(SchedulerTopics t) {
        List<TopicPartition> l = new ArrayList<>();
        for (String topic :
                List.of(t.pods(), t.offers(), t.taskStatus(), t.framework(), t.launcherEvents(), t.clock())) {
            l.add(new TopicPartition(topic, 0));
        }
        return l;
    }

    static Map<TopicPartition, Long> ends(Admin admin, List<TopicPartition> parts) throws Exception {
        Map<TopicPartition, OffsetSpec> q = parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        admin.listOffsets(q).all().get().forEach((tp, i) -> out.put(tp, i.offset()));
        return out;
    }

    static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
    }

    static Map<TopicPartition, Long> everyEndOffset(Admin admin) throws Exception {
        List<TopicPartition> all = new ArrayList<>();
        for (String t : admin.listTopics().names().get()) {
            if (t.startsWith(PREFIX) || t.startsWith("rp-scheduler")) {
                all.addAll(partitions(admin, t));
            }
        }
        return ends(admin, all);
    }

    static Set<String> groups(Admin admin) throws Exception {
        return admin.listGroups().all().get().stream().map(g -> g.groupId()).collect(Collectors.toSet());
    }

    /** Every entry of the store {@code name} across the instance's shards, once it runs. */
    static <V> Map<String, V> storeContents(SchedulerService s, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (s.state() == KafkaStreams.State.RUNNING) {
                    ReadOnlyKeyValueStore<String, V> store = s.streams()
                            .store(StoreQueryParameters.fromNameAndType(
                                    name, QueryableStoreTypes.<String, V>keyValueStore()));
                    Map<String, V> m = new TreeMap<>();
                    try (KeyValueIterator<String, V> it = store.all()) {
                        it.forEachRemaining(kv -> m.put(kv.key, kv.value));
                    }
                    return m;
                }
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                // still restoring
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the recovered scheduler did not start within 60 s: " + s.state());
            }
            Thread.sleep(100);
        }
    }

    /**
     * The pods of every launch request (committed), read to the end, or with {@code last} until its
     * launch request arrives.
     */
    static List<String> launches(RunOfTheScheduler r, String last) throws Exception {
        String topic = r.topics.launchRequests();
        var p = r.world.consumerProps("rp-launches");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var values = r.serdes.value(LaunchRequest.class).deserializer();
        List<String> pods = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                boolean atEnd = parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
                if (last == null ? atEnd : pods.contains(last)) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    pods.add(values.deserialize(topic, rec.value()).getTask().getPodKey());
                }
            }
        }
        return pods;
    }
}
