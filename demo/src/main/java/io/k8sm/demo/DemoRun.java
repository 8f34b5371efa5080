package io.k8sm.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.topics.Topic;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * One run of the demo on a {@link Pipeline}: submits pods to the Kubernetes API (some with fixed or
 * wildcard host ports, some too big to fit, some whose first launch fails before binding), one
 * corrupt record to {@code pods}, and two Services; watches pods, scheduler events and launcher
 * events; prints progress; and returns the summary.
 */
final class DemoRun implements AutoCloseable {

    /** What happened, for the summary and for tests. */
    record Summary(
            int submitted,
            int scheduled,
            int running,
            int rescheduled,
            int unschedulable,
            int failedOnPurpose,
            long p50Millis,
            long p99Millis,
            int endpointSlices,
            int deadLetters,
            boolean complete,
            String hops) {}

    static final String FLAKY = "flaky-";
    static final String HUGE = "huge-";

    private final Pipeline pipeline;
    private final PrintStream out;
    private final Map<String, Long> submittedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> runningAt = new ConcurrentHashMap<>();
    private final PipelineHops hops = new PipelineHops();
    private final Map<SchedulerEventKind, Set<String>> eventsByPod = new EnumMap<>(SchedulerEventKind.class);
    private final Set<String> failedOnPurpose = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private volatile int deadLetters;
    private SharedIndexInformer<Pod> informer;
    private PipelineHttp http;
    /** Whether the HTTP servers try the services' default ports first (tests use free ports only). */
    boolean defaultPorts = true;

    private enum SchedulerEventKind {
        SCHEDULED,
        RESCHEDULED,
        FAILED_SCHEDULING,
        OTHER
    }

    DemoRun(Pipeline pipeline, PrintStream out) {
        this.pipeline = pipeline;
        this.out = out;
        for (SchedulerEventKind k : SchedulerEventKind.values()) {
            eventsByPod.put(k, ConcurrentHashMap.newKeySet());
        }
    }

    /** Runs until every pod is where it should be, the timeout, or {@code stopping} says so (SIGTERM). */
    Summary run(int pods, int flaky, int huge, Duration timeout, BooleanSupplier stopping) throws Exception {
        http = PipelineHttp.start(pipeline, defaultPorts);
        out.println("Metrics, health and the dashboard:");
        http.lines().forEach(out::println);
        KubernetesClient k8s = pipeline.kubernetes();
        watchPods(k8s);
        follow(Topic.SCHEDULER_EVENTS, SchedulerEvent.class, this::onSchedulerEvent);
        follow(Topic.LAUNCHER_EVENTS, LauncherEvent.class, this::onLauncherEvent);
        follow(Topic.DEAD_LETTERS, io.k8sm.avro.DeadLetter.class, r -> deadLetters++);
        follow(Topic.TASK_STATUS, io.k8sm.avro.TaskStatus.class, r -> {
            io.k8sm.avro.TaskState s = r.value().getState();
            if (s == io.k8sm.avro.TaskState.TASK_STARTING || s == io.k8sm.avro.TaskState.TASK_RUNNING) {
                hops.starting(r.value().getTaskId(), System.nanoTime());
            }
        });
        DemoPods.createServices(k8s);
        writeCorruptPodRecord();

        List<Pod> all = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            all.add(DemoPods.pod(DemoPods.podName(i, flaky), i));
        }
        for (int i = 0; i < huge; i++) {
            all.add(DemoPods.hugePod(HUGE + i));
        }
        long t0 = System.nanoTime();
        for (Pod p : all) {
            long now = System.nanoTime();
            submittedAt.put("default/" + p.getMetadata().getName(), now);
            hops.passed(PipelineHops.Hop.CREATED, "default/" + p.getMetadata().getName(), now);
            k8s.pods().inNamespace("default").resource(p).create();
        }
        out.printf(
                "Submitted %d pods (%d with a fixed host port, %d with wildcard host ports, %d whose first launch"
                        + " fails before binding, %d too big for any agent)%n",
                all.size(), pods / 20 + (pods % 20 > 0 ? 1 : 0), DemoPods.countWildcard(pods), flaky, huge);
        int target = pods;
        long deadline = t0 + timeout.toNanos();
        long nextPrint = 0;
        while (System.nanoTime() < deadline && !stopping.getAsBoolean()) {
            int running = runningAt.size();
            if (System.nanoTime() >= nextPrint) {
                out.printf(
                        "  %5.1f s  scheduled %3d  running %3d/%d  rescheduled %2d  unschedulable %d%n",
                        (System.nanoTime() - t0) / 1e9,
                        eventsByPod.get(SchedulerEventKind.SCHEDULED).size(),
                        running,
                        target,
                        eventsByPod.get(SchedulerEventKind.RESCHEDULED).size(),
                        unschedulable());
                nextPrint = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
            if (running >= target && unschedulable() >= huge) {
                break;
            }
            Thread.sleep(200);
        }
        if (!stopping.getAsBoolean()) {
            Thread.sleep(1500); // let the endpoint controller catch up with the last Ready pods
        }
        List<Long> latencies = new ArrayList<>();
        runningAt.forEach((pod, at) ->
                latencies.add(Duration.ofNanos(at - submittedAt.get(pod)).toMillis()));
        Collections.sort(latencies);
        int slices = k8s.resources(EndpointSlice.class).inNamespace("default").list().getItems().stream()
                .mapToInt(s -> s.getEndpoints() == null ? 0 : s.getEndpoints().size())
                .sum();
        return new Summary(
                all.size(),
                eventsByPod.get(SchedulerEventKind.SCHEDULED).size(),
                runningAt.size(),
                eventsByPod.get(SchedulerEventKind.RESCHEDULED).size(),
                unschedulable(),
                failedOnPurpose.size(),
                PipelineHops.percentile(latencies, 50),
                PipelineHops.percentile(latencies, 99),
                slices,
                deadLetters,
                runningAt.size() >= target,
                hops.line(pod -> !failedOnPurpose.contains(pod)));
    }

    private int unschedulable() {
        Set<String> s = new HashSet<>(eventsByPod.get(SchedulerEventKind.FAILED_SCHEDULING));
        s.removeAll(eventsByPod.get(SchedulerEventKind.SCHEDULED));
        return s.size();
    }

    /** A record no reader can decode: the scheduler must dead-letter it and go on. */
    private void writeCorruptPodRecord() throws Exception {
        var props = pipeline.world().config().kafkaProperties();
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(
                            pipeline.world().config().topics().name(Topic.PODS),
                            "default/corrupt".getBytes(StandardCharsets.UTF_8),
                            "{not avro}".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        out.println("Wrote one corrupt record to the pods topic (it must end in dead-letters).");
    }

    private void watchPods(KubernetesClient k8s) {
        informer = k8s.pods()
                .inNamespace("default")
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Pod pod) {
                                onUpdate(null, pod);
                            }

                            @Override
                            public void onUpdate(Pod before, Pod pod) {
                                if (pod.getStatus() != null
                                        && "Running".equals(pod.getStatus().getPhase())) {
                                    long now = System.nanoTime();
                                    runningAt.putIfAbsent(
                                            "default/" + pod.getMetadata().getName(), now);
                                    hops.passed(
                                            PipelineHops.Hop.RUNNING,
                                            "default/" + pod.getMetadata().getName(),
                                            now);
                                }
                            }

                            @Override
                            public void onDelete(Pod pod, boolean unknown) {}
                        },
                        0);
    }

    private void onSchedulerEvent(ConsumerRecord<String, SchedulerEvent> r) {
        SchedulerEventKind kind;
        try {
            kind = SchedulerEventKind.valueOf(r.value().getType().name());
        } catch (IllegalArgumentException e) {
            kind = SchedulerEventKind.OTHER;
        }
        eventsByPod.get(kind).add(r.key());
        if (kind == SchedulerEventKind.SCHEDULED) {
            hops.passed(PipelineHops.Hop.PLACED, r.key(), System.nanoTime());
        }
    }

    /**
     * The fault injection: the first launch of each flaky pod fails on its agent before it is bound
     * (TASK_FAILED while still staging), the seed's case. LAUNCHED is written in the same transaction
     * as the ACCEPT call, so the task reaches the master a moment later: wait for it there.
     */
    private void onLauncherEvent(ConsumerRecord<String, LauncherEvent> r) {
        LauncherEvent e = r.value();
        if (e.getType() == LauncherEventType.LAUNCHED) {
            hops.launched(e.getTaskId(), e.getPodKey(), System.nanoTime());
        } else if (e.getType() == LauncherEventType.BOUND) {
            hops.passed(PipelineHops.Hop.BOUND, e.getPodKey(), System.nanoTime());
        }
        if (e.getType() != LauncherEventType.LAUNCHED
                || !e.getPodKey().startsWith("default/" + FLAKY)
                || failedOnPurpose.contains(e.getPodKey())) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline && !stop.get()) {
            var task = pipeline.mesos().tasks().get(e.getTaskId());
            if (task != null) {
                if (task.state() == TaskState.TASK_STAGING) {
                    pipeline.mesos()
                            .failTask(
                                    e.getTaskId(),
                                    TaskState.TASK_FAILED,
                                    TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
                    failedOnPurpose.add(e.getPodKey());
                }
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private <V extends org.apache.avro.specific.SpecificRecord> void follow(
            Topic topic, Class<V> type, java.util.function.Consumer<ConsumerRecord<String, V>> handler) {
        var props = pipeline.world().config().kafkaProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "k8sm-demo-" + topic.logicalName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        SchemaRegistryClient registry =
                SchemaRegistryClients.fromConfig(pipeline.world().config().serdeConfig());
        Thread t = new Thread(
                () -> {
                    try (registry;
                            KafkaConsumer<String, V> c = new KafkaConsumer<>(
                                    props, new StringDeserializer(), AvroDeserializer.specific(type, registry))) {
                        c.subscribe(List.of(pipeline.world().config().topics().name(topic)));
                        while (!stop.get()) {
                            for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(200))) {
                                try {
                                    handler.accept(r);
                                } catch (RuntimeException e) {
                                    out.println("demo: "
                                            + topic.logicalName()
                                            + " record "
                                            + r.key()
                                            + ": "
                                            + e.getMessage());
                                }
                            }
                        }
                    } catch (Exception e) {
                        if (!stop.get()) {
                            out.println("demo: following " + topic.logicalName() + " failed: " + e);
                        }
                    }
                },
                "k8sm-demo-" + topic.logicalName());
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    /** The services' HTTP servers, once {@link #run} started them. */
    PipelineHttp http() {
        return http;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (http != null) {
            http.close();
        }
        if (informer != null) {
            informer.close();
        }
        for (Thread t : threads) {
            t.join(2000);
        }
    }
}
