package io.k8sm.scheduler.bench;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.Container;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Range;
import io.k8sm.avro.Resource;
import io.k8sm.avro.Subscribed;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.avro.TaskStatusSource;
import io.k8sm.avro.ValueType;
import io.k8sm.sandbox.kafka.EmbeddedKafka;
import io.k8sm.sandbox.schemaregistry.EmbeddedSchemaRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.replay.Replay;
import io.k8sm.scheduler.replay.ReplayLimits;
import io.k8sm.scheduler.replay.ReplayResult;
import io.k8sm.scheduler.replay.ReplaySummary;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerTopics;
import io.k8sm.topics.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replay throughput: records a run's input topics on the embedded broker and registry — pods, an
 * offer after each (as Mesos re-offers an agent's rest after a launch), each task's launcher events (LAUNCHED, BOUND) and statuses (STARTING,
 * RUNNING), clock ticks — in the Confluent wire format, with event times spread as a real
 * cluster's (default 2 ms apart), then replays them with {@link Replay} (the code behind {@code
 * k8sm replay}) and prints input events/s. Run by the {@code bench-replay} profile:
 *
 * <pre>./mvnw -q -pl scheduler-streams -am -Pbench-replay verify -DskipTests [-Dbench.args="--pods 20000 --agents 100"]</pre>
 */
public final class ReplayBenchmark {

    public static void main(String[] args) throws Exception {
        int pods = 20_000;
        int agents = 100;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pods" -> pods = Integer.parseInt(args[++i]);
                case "--agents" -> agents = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i] + " (--pods N --agents N --runs N)");
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers())) {
            Map<String, Object> cfg = new HashMap<>();
            cfg.put("bootstrap.servers", kafka.bootstrapServers());
            cfg.put("schema.registry.url", registry.url());
            cfg.put("topics.prefix", "bench.");
            SchedulerConfig config = SchedulerConfig.fromMap(cfg);
            SchedulerTopics topics = config.schedulerTopics();
            SchedulerSerdes serdes = SchedulerSerdes.registry(config.kafka());
            try (Admin admin = kafka.admin()) {
                List<NewTopic> all = new ArrayList<>();
                for (Topic t : Topic.values()) {
                    NewTopic nt = config.kafka().topics().newTopic(t, (short) 1);
                    Map<String, String> c = new HashMap<>(nt.configs() == null ? Map.of() : nt.configs());
                    c.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"); // the recorded times
                    all.add(nt.configs(c));
                }
                admin.createTopics(all).all().get();
            }
            long written = record(kafka.bootstrapServers(), topics, serdes, pods, agents);
            System.out.printf(
                    "replay benchmark: recorded %,d input records (%,d pods, %,d agents)%n", written, pods, agents);
            for (int r = 1; r <= runs; r++) {
                // timed by the replaying thread's cpu time: on a shared machine the wall time mostly
                // measures the other processes
                java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
                long wall = System.nanoTime();
                ReplayResult result = Replay.run(
                        config,
                        serdes,
                        ReplayLimits.none(),
                        Duration.ofSeconds(30),
                        cpu::getCurrentThreadCpuTime,
                        Long.MAX_VALUE,
                        p -> {});
                wall = System.nanoTime() - wall;
                Map<String, Object> s = ReplaySummary.of(result);
                System.out.printf(
                        "run %d: %,d events; wall %.2f s = %,.0f events/s; replay thread cpu %.2f s = %,.0f events"
                                + " per cpu-second; load average %.1f; tasks %s, offers %s%n",
                        r,
                        result.read(),
                        wall / 1e9,
                        result.read() * 1e9 / wall,
                        result.elapsedNanos() / 1e9,
                        result.eventsPerSecond(),
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage(),
                        s.get("tasks"),
                        s.get("offers"));
            }
        }
    }

    private static long record(String bootstrap, SchedulerTopics topics, SchedulerSerdes serdes, int pods, int agents)
            throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        long[] n = {0};
        // event times 2 ms apart, ending about now (retention keeps records by their time)
        long[] t = {System.currentTimeMillis() - pods * 14L - 60_000L};
        try (KafkaProducer<String, byte[]> p =
                new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
            Sender send = new Sender() {
                @Override
                public <T extends SpecificRecord> void send(String topic, String key, T value, Class<T> type) {
                    t[0] += 2;
                    p.send(new ProducerRecord<>(
                            topic,
                            null,
                            t[0],
                            key,
                            serdes.value(type).serializer().serialize(topic, value)));
                    n[0]++;
                }
            };
            send.send(
                    topics.framework(),
                    "k8sm",
                    new FrameworkEvent(new Subscribed("fw-1", 15.0, "m")),
                    FrameworkEvent.class);
            int offerSeq = 0;
            for (int i = 0; i < pods; i++) {
                String name = "p" + i;
                PodSnapshot pod = pod(name);
                send.send(topics.pods(), "bench/" + name, pod, PodSnapshot.class);
                // the agent the last launch went to offers what is left: each pod finds an offer
                send.send(topics.offers(), "0", offer("o-" + offerSeq++, i % agents), OfferEvent.class);
                String task = Tasks.taskId(pod.getUid(), pod.getResourceVersion());
                for (LauncherEventType e : List.of(LauncherEventType.LAUNCHED, LauncherEventType.BOUND)) {
                    send.send(
                            topics.launcherEvents(),
                            task,
                            new LauncherEvent(task, "bench/" + name, e, null, null, Instant.ofEpochMilli(t[0])),
                            LauncherEvent.class);
                }
                for (TaskState s : List.of(TaskState.TASK_STARTING, TaskState.TASK_RUNNING)) {
                    send.send(topics.taskStatus(), task, status(task, s), TaskStatus.class);
                }
                if (i % 50 == 0) {
                    send.send(
                            topics.clock(),
                            "tick",
                            new ClockTick(Instant.ofEpochMilli(t[0]), "bench"),
                            ClockTick.class);
                }
            }
            p.flush();
        }
        return n[0];
    }

    private interface Sender {
        <T extends SpecificRecord> void send(String topic, String key, T value, Class<T> type);
    }

    private static OfferEvent offer(String id, int agent) {
        List<Resource> rs = List.of(
                new Resource("cpus", ValueType.SCALAR, 32.0, List.of(), List.of(), "*", null),
                new Resource("mem", ValueType.SCALAR, 65536.0, List.of(), List.of(), "*", null),
                new Resource(
                        "ports", ValueType.RANGES, null, List.of(new Range(31000L, 32000L)), List.of(), "*", null));
        return new OfferEvent(Offer.newBuilder()
                .setId(id)
                .setFrameworkId("fw-1")
                .setAgentId("agent-" + agent)
                .setHostname("host-" + agent)
                .setResources(rs)
                .setAttributes(List.of())
                .setExecutorIds(List.of("k8sm-executor"))
                .setUrl(null)
                .build());
    }

    private static PodSnapshot pod(String name) {
        return PodSnapshot.newBuilder()
                .setUid("uid-" + name)
                .setNamespace("bench")
                .setName(name)
                .setResourceVersion("1")
                .setSchedulerName(null)
                .setLabels(Map.of("app", "bench"))
                .setAnnotations(Map.of())
                .setNodeName(null)
                .setNodeSelector(Map.of())
                .setContainers(List.of(new Container("c0", "busybox", 0.5, 256L * 1024 * 1024, List.of(), null, null)))
                .setPhase(null)
                .setHostIP(null)
                .setPodIP(null)
                .setReady(false)
                .setDeletionTimestamp(null)
                .setManifest("{\"kind\":\"Pod\"}")
                .build();
    }

    private static TaskStatus status(String task, TaskState s) {
        return TaskStatus.newBuilder()
                .setTaskId(task)
                .setState(s)
                .setReason(null)
                .setSource(TaskStatusSource.SOURCE_EXECUTOR)
                .setMessage(null)
                .setUuid(null)
                .setAgentId(null)
                .setExecutorId(null)
                .setTimestamp(0.0)
                .setData(null)
                .setHealthy(null)
                .build();
    }
}
