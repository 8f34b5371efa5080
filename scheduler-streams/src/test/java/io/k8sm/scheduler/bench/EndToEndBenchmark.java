package io.k8sm.scheduler.bench;

import io.k8sm.avro.Container;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.PortMapping;
import io.k8sm.avro.Range;
import io.k8sm.avro.Resource;
import io.k8sm.avro.TaskSpec;
import io.k8sm.avro.ValueType;
import io.k8sm.sandbox.kafka.EmbeddedKafka;
import io.k8sm.sandbox.schemaregistry.EmbeddedSchemaRegistry;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerService;
import io.k8sm.scheduler.topology.SchedulerTopics;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The scheduler end to end on a real in-process KRaft broker and the embedded schema registry, with
 * exactly-once and the production serdes: N agents' offers, then M pods, and the time until every
 * pod's launch request can be read ({@code read_committed}).
 *
 * <pre>
 *   java -cp ... io.k8sm.scheduler.bench.EndToEndBenchmark [--agents 200] [--pods 5000] [--rate PODS_PER_S]
 *        [--policy first-fit|bin-pack] [--quick]
 * </pre>
 *
 * <p>The input topics and launch-requests use {@code message.timestamp.type=LogAppendTime}, so each
 * record carries the broker's append time (the scheduler's event time is then the pod's append
 * time). Reported per pod:
 *
 * <ul>
 *   <li><b>append → append</b>: launch-request append time − pod append time (the scheduler's
 *       reaction, the launch request appended inside the still open transaction);
 *   <li><b>append → visible</b>: when this harness's read_committed consumer received the launch
 *       request − pod append time (adds the exactly-once commit interval, 100 ms by default).
 * </ul>
 *
 * Throughput = M / (last launch request visible − first pod appended). {@code --rate 0} (default)
 * writes the pods as one burst, so latency includes queueing; a rate paces them.
 *
 * <p>A Mesos master is simulated as Mesos behaves: an offer is used up by the ACCEPT of the pods
 * placed on it, and the agent's remaining resources come back as a new offer (with our executor now
 * running there). The harness re-offers an agent as soon as it has read the launch requests that
 * used its offer (allocation interval 0), so the figures measure the scheduler and Kafka, not a
 * master's timers.
 */
public final class EndToEndBenchmark {

    public static void main(String[] args) throws Exception {
        int agents = 200;
        int pods = 5_000;
        double rate = 0;
        String policy = "first-fit";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agents" -> agents = Integer.parseInt(args[++i]);
                case "--pods" -> pods = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--policy" -> policy = args[++i];
                case "--quick" -> {
                    agents = 50;
                    pods = 500;
                }
                default ->
                    throw new IllegalArgumentException("unknown argument "
                            + args[i]
                            + "; use --agents N --pods M --rate R --policy first-fit|bin-pack --quick");
            }
        }
        new EndToEndBenchmark().run(agents, pods, rate, policy);
        System.exit(0); // the embedded world's non-daemon threads are gone, but be sure the exec goal returns
    }

    private void run(int agentCount, int podCount, double rate, String policy) throws Exception {
        System.out.printf(
                "end-to-end: %d agents, %d pods, %s, rate %s, exactly_once_v2%n",
                agentCount, podCount, policy, rate > 0 ? rate + " pods/s" : "burst");
        Path stateDir = Files.createTempDirectory("k8sm-bench-state");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers())) {
            Map<String, Object> cfg = new HashMap<>();
            cfg.put("bootstrap.servers", kafka.bootstrapServers());
            cfg.put("schema.registry.url", registry.url());
            cfg.put("topics.prefix", "bench.");
            cfg.put(SchedulerConfig.APPLICATION_ID, "k8sm-bench");
            cfg.put(SchedulerConfig.STATE_DIR, stateDir.toString());
            cfg.put(SchedulerConfig.PLACEMENT_POLICY, policy);
            cfg.put(SchedulerConfig.OFFER_TTL_MS, String.valueOf(TimeUnit.HOURS.toMillis(1))); // offers outlive the run
            SchedulerConfig config = SchedulerConfig.fromMap(cfg);
            SchedulerTopics topics = config.schedulerTopics();
            createTopics(kafka, config.kafka().topics(), topics);
            SchedulerSerdes serdes = SchedulerSerdes.registry(config.kafka());

            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "2");
            Random rnd = new Random(42);
            try (SchedulerService app = new SchedulerService(config, serdes);
                    KafkaProducer<String, byte[]> producer =
                            new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
                app.start();
                awaitRunning(app);
                for (int a = 0; a < agentCount; a++) {
                    producer.send(new ProducerRecord<>(
                            topics.offers(),
                            "shard-0",
                            serdes.value(OfferEvent.class)
                                    .serializer()
                                    .serialize(
                                            topics.offers(),
                                            offer(
                                                    "offer-" + a + "-0",
                                                    a,
                                                    AGENT_CPUS,
                                                    AGENT_MEM_MB,
                                                    List.of(new Range(PORT_LO, PORT_HI)),
                                                    false))));
                }
                producer.flush();
                awaitConsumed(kafka, "k8sm-bench", topics.offers());
                System.out.printf("%d offers consumed by the scheduler; writing %d pods%n", agentCount, podCount);

                MasterSimulation master = new MasterSimulation(agentCount);
                Map<String, Long> podAppend = new ConcurrentHashMap<>();
                Map<String, long[]> launched = new ConcurrentHashMap<>();
                Deserializer<LaunchRequest> launches =
                        serdes.value(LaunchRequest.class).deserializer();
                // The master: reads launch requests as they commit and re-offers the agents they used,
                // while pods are written.
                Thread mesos = new Thread(
                        () -> {
                            try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
                                List<TopicPartition> parts = consumer.partitionsFor(topics.launchRequests()).stream()
                                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                                        .toList();
                                consumer.assign(parts);
                                consumer.seekToBeginning(parts);
                                long lastProgress = System.nanoTime();
                                while (launched.size() < podCount
                                        && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(30)) {
                                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(10))) {
                                        long visible = System.currentTimeMillis();
                                        LaunchRequest l = launches.deserialize(r.topic(), r.value());
                                        String key = l.getPod().getNamespace() + "/"
                                                + l.getPod().getName();
                                        launched.putIfAbsent(key, new long[] {r.timestamp(), visible});
                                        master.launched(l);
                                        lastProgress = System.nanoTime();
                                    }
                                    List<OfferEvent> reoffers = master.reoffers();
                                    for (OfferEvent o : reoffers) {
                                        producer.send(new ProducerRecord<>(
                                                topics.offers(),
                                                "shard-0",
                                                serdes.value(OfferEvent.class)
                                                        .serializer()
                                                        .serialize(topics.offers(), o)));
                                    }
                                    if (!reoffers.isEmpty()) {
                                        producer.flush();
                                    }
                                }
                            }
                        },
                        "mesos-master-simulation");
                mesos.start();
                long start = System.nanoTime();
                for (int i = 0; i < podCount; i++) {
                    if (rate > 0) {
                        long due = start + (long) (i * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    PodSnapshot pod = pod(i, rnd);
                    String key = pod.getNamespace() + "/" + pod.getName();
                    producer.send(
                            new ProducerRecord<>(
                                    topics.pods(),
                                    key,
                                    serdes.value(PodSnapshot.class).serializer().serialize(topics.pods(), pod)),
                            (md, e) -> {
                                if (e == null) {
                                    podAppend.put(key, md.timestamp()); // LogAppendTime
                                }
                            });
                }
                producer.flush();
                mesos.join();
                if (launched.size() < podCount) {
                    System.out.printf(
                            "only %d of %d pods launched (no progress for 30 s)%n", launched.size(), podCount);
                }
                System.out.printf(
                        "offers written: %d (%d first, %d re-offers)%n",
                        agentCount + master.reoffered, agentCount, master.reoffered);
                report(podAppend, launched);
                if (app.state() != KafkaStreams.State.RUNNING) {
                    System.out.println("scheduler state at the end: " + app.state());
                }
            }
        } finally {
            deleteRecursively(stateDir);
        }
    }

    private static void report(Map<String, Long> podAppend, Map<String, long[]> launched) {
        long[] appendToAppend = new long[launched.size()];
        long[] appendToVisible = new long[launched.size()];
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int i = 0;
        for (Map.Entry<String, long[]> e : launched.entrySet()) {
            long podAt = podAppend.get(e.getKey());
            appendToAppend[i] = e.getValue()[0] - podAt;
            appendToVisible[i] = e.getValue()[1] - podAt;
            first = Math.min(first, podAt);
            last = Math.max(last, e.getValue()[1]);
            i++;
        }
        Arrays.sort(appendToAppend);
        Arrays.sort(appendToVisible);
        double seconds = (last - first) / 1000.0;
        System.out.printf(
                "pods launched:            %d in %.2f s (first pod appended → last launch request visible)%n",
                launched.size(), seconds);
        System.out.printf("throughput:               %.0f pods/s%n", launched.size() / seconds);
        System.out.printf(
                "latency append → append:  p50 %d ms, p99 %d ms, max %d ms%n",
                pct(appendToAppend, 50), pct(appendToAppend, 99), appendToAppend[appendToAppend.length - 1]);
        System.out.printf(
                "latency append → visible: p50 %d ms, p99 %d ms, max %d ms%n",
                pct(appendToVisible, 50), pct(appendToVisible, 99), appendToVisible[appendToVisible.length - 1]);
    }

    private static long pct(long[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static void createTopics(EmbeddedKafka kafka, TopicCatalogue catalogue, SchedulerTopics topics)
            throws Exception {
        List<String> appendTime = List.of(
                topics.pods(),
                topics.offers(),
                topics.taskStatus(),
                topics.framework(),
                topics.launcherEvents(),
                topics.clock(),
                topics.launchRequests());
        List<NewTopic> all = new ArrayList<>();
        for (Topic t : Topic.values()) {
            NewTopic nt = catalogue.newTopic(t, (short) 1);
            if (appendTime.contains(nt.name())) {
                Map<String, String> configs = new HashMap<>(nt.configs() == null ? Map.of() : nt.configs());
                configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
                nt.configs(configs);
            }
            all.add(nt);
        }
        try (Admin admin = kafka.admin()) {
            admin.createTopics(all).all().get();
        }
    }

    private static void awaitRunning(SchedulerService app) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (app.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the scheduler did not reach RUNNING: " + app.state());
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the scheduler's group has committed the end of {@code topic}. */
    private static void awaitConsumed(EmbeddedKafka kafka, String group, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = kafka.admin()) {
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(tp);
                if (committed != null && committed.offset() >= end) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("the scheduler did not consume " + topic);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static final double AGENT_CPUS = 32;
    static final double AGENT_MEM_MB = 65_536;
    static final long PORT_LO = 31_000;
    static final long PORT_HI = 32_000;

    /** An offer of agent {@code a}: what is left of 32 cpus, 64 GB and ports 31000-32000. */
    static OfferEvent offer(String id, int a, double cpus, double memMb, List<Range> ports, boolean executorRunning) {
        List<Resource> rs = new ArrayList<>(List.of(
                new Resource("cpus", ValueType.SCALAR, cpus, List.of(), List.of(), "*", null),
                new Resource("mem", ValueType.SCALAR, memMb, List.of(), List.of(), "*", null)));
        if (!ports.isEmpty()) {
            rs.add(new Resource("ports", ValueType.RANGES, null, ports, List.of(), "*", null));
        }
        return new OfferEvent(new Offer(
                id,
                "fw-bench",
                "agent-" + a,
                "host-" + a,
                rs,
                List.of(),
                executorRunning ? List.of(ProcurementConfig.DEFAULT_EXECUTOR_ID) : List.of(),
                null,
                null));
    }

    /**
     * The master's side: what each agent has given to launched tasks, and a new offer of the rest for
     * every agent whose offer was used since the last call.
     */
    static final class MasterSimulation {
        private final double[] cpus;
        private final double[] mem;
        private final List<java.util.BitSet> usedPorts = new ArrayList<>();
        private final int[] generation;
        private final java.util.TreeSet<Integer> dirty = new java.util.TreeSet<>();
        int reoffered;

        MasterSimulation(int agents) {
            cpus = new double[agents];
            mem = new double[agents];
            generation = new int[agents];
            for (int a = 0; a < agents; a++) {
                cpus[a] = AGENT_CPUS;
                mem[a] = AGENT_MEM_MB;
                usedPorts.add(new java.util.BitSet());
            }
        }

        void launched(LaunchRequest l) {
            TaskSpec spec = l.getTask().getSpec();
            int a = Integer.parseInt(spec.getAgentId().substring("agent-".length()));
            List<Resource> all = new ArrayList<>(spec.getResources());
            all.addAll(spec.getExecutorResources());
            for (Resource r : all) {
                if (r.getName().equals("cpus")) {
                    cpus[a] -= r.getScalar();
                } else if (r.getName().equals("mem")) {
                    mem[a] -= r.getScalar();
                }
            }
            for (PortMapping pm : spec.getPortMap()) {
                usedPorts.get(a).set((int) (pm.getHostPort() - PORT_LO));
            }
            dirty.add(a);
        }

        List<OfferEvent> reoffers() {
            List<OfferEvent> out = new ArrayList<>();
            for (int a : dirty) {
                List<Range> free = new ArrayList<>();
                java.util.BitSet used = usedPorts.get(a);
                int span = (int) (PORT_HI - PORT_LO + 1);
                for (int i = used.nextClearBit(0); i < span; ) {
                    int end = Math.min(used.nextSetBit(i) < 0 ? span : used.nextSetBit(i), span);
                    free.add(new Range(PORT_LO + i, PORT_LO + end - 1));
                    i = used.nextClearBit(end);
                }
                out.add(offer(
                        "offer-" + a + "-" + ++generation[a],
                        a,
                        Math.max(0, cpus[a]),
                        Math.max(0, mem[a]),
                        free,
                        true));
                reoffered++;
            }
            dirty.clear();
            return out;
        }
    }

    /** A pod of one container, 0.1-1 cpu, 64-512 MB, a fifth of them with a wildcard host port. */
    private static PodSnapshot pod(int i, Random rnd) {
        List<io.k8sm.avro.ContainerPort> ports = rnd.nextInt(5) == 0
                ? List.of(new io.k8sm.avro.ContainerPort("http", 8080, 0, io.k8sm.avro.Protocol.TCP))
                : List.of();
        Container c = new Container(
                "c0", "busybox", 0.1 * (1 + rnd.nextInt(10)), (64L + 64L * rnd.nextInt(8)) << 20, ports, null, null);
        return PodSnapshot.newBuilder()
                .setUid("uid-bench-" + i)
                .setNamespace("bench")
                .setName("pod-" + i)
                .setResourceVersion("1")
                .setSchedulerName(null)
                .setLabels(Map.of())
                .setAnnotations(Map.of())
                .setNodeName(null)
                .setNodeSelector(Map.of())
                .setContainers(List.of(c))
                .setPhase(null)
                .setHostIP(null)
                .setPodIP(null)
                .setReady(false)
                .setDeletionTimestamp(null)
                .setManifest("{}")
                .build();
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p :
                    walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
