package io.k8sm.launcher;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8sm.launcher.binding.Binder;
import io.k8sm.launcher.binding.LaunchIndex;
import io.k8sm.launcher.events.FailedScheduling;
import io.k8sm.launcher.events.SchedulingEventsHandler;
import io.k8sm.launcher.feedback.FeedbackHandler;
import io.k8sm.launcher.kafka.CatchUpReader;
import io.k8sm.launcher.kafka.Codec;
import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import io.k8sm.launcher.launch.BatchPodLookup;
import io.k8sm.launcher.launch.LaunchHandler;
import io.k8sm.launcher.launch.LaunchLedger;
import io.k8sm.launcher.launch.PodLookup;
import io.k8sm.launcher.nodes.NodeFeedHandler;
import io.k8sm.launcher.nodes.NodeRegistrar;
import io.k8sm.launcher.source.KafkaSink;
import io.k8sm.launcher.source.NodeSource;
import io.k8sm.launcher.source.PodSource;
import io.k8sm.launcher.status.PodActionExecutor;
import io.k8sm.launcher.status.PodStatusWriter;
import io.k8sm.service.K8smService;
import io.k8sm.service.metrics.ServiceMetrics;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher: the Kubernetes side of a launch. {@link #start()} starts
 *
 * <ul>
 *   <li>the pod and node sources (informers → {@code pods}, {@code nodes});
 *   <li>the launch loop ({@code launch-requests} → ACCEPT on {@code mesos-calls} + LAUNCHED or
 *       LAUNCH_REJECTED on {@code launcher-events}, exactly once);
 *   <li>the Kubernetes bridge ({@code task-status}, {@code pod-actions} → Bindings, pod status,
 *       deletions; BOUND / BIND_FAILED + Kill);
 *   <li>the node loop ({@code offers}, {@code framework} → Nodes), apart from the bridge so that a
 *       slow or failing Node API holds back no binding or pod status;
 *   <li>the events loop ({@code scheduler-events} → FailedScheduling Events and {@code
 *       PodScheduled=False} for pods that cannot be placed).
 * </ul>
 *
 * The topics must exist. The client stays the caller's: {@link #close()} stops the launcher only.
 */
public final class LauncherService implements K8smService {
    private static final Logger log = LoggerFactory.getLogger(LauncherService.class);

    /**
     * After a poll with records, up to this many immediate polls join the batch (one scheduling
     * round).
     */
    private static final int DRAIN_POLLS = 4;
    /** How long a pod looked up for a launch batch that is being retried stays good. */
    private static final java.time.Duration LOOKUP_MAX_AGE = java.time.Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final LauncherConfig config;
    private final Clock clock;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private TransactionalLoop launchLoop;
    private TransactionalLoop bridgeLoop;
    private TransactionalLoop nodeLoop;
    private TransactionalLoop eventsLoop;
    private boolean started;
    private final ServiceMetrics metrics = new ServiceMetrics("launcher");
    private volatile boolean ready;

    public LauncherService(KubernetesClient client, LauncherConfig config) {
        this(client, config, Clock.systemUTC());
    }

    /** {@code clock} stamps every record, pod condition and node heartbeat, and measures deadlines. */
    public LauncherService(KubernetesClient client, LauncherConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
    }

    /** Starts every part; returns when the informers have synced and the loops are running. */
    @Override
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("launcher already started");
        }
        started = true;
        try {
            TopicCatalogue topics = config.kafka().topics();
            Properties kafka = config.kafka().kafkaProperties();
            Codec codec = new Codec(config.kafka().serdeConfig());
            open.push(codec);
            Outputs out = new Outputs(topics, codec, clock, "k8sm-launcher");
            LauncherMetrics counted = new LauncherMetrics(
                    metrics.registry(),
                    codec,
                    topics.name(Topic.LAUNCHER_EVENTS),
                    topics.name(Topic.LAUNCH_REQUESTS),
                    topics.name(Topic.TASK_STATUS),
                    System::nanoTime);

            Properties sp = new Properties();
            sp.putAll(kafka);
            sp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            sp.put(ProducerConfig.ACKS_CONFIG, "all");
            KafkaProducer<String, byte[]> snapshots =
                    new KafkaProducer<>(sp, new StringSerializer(), new ByteArraySerializer());
            open.push(() -> snapshots.close(Duration.ofSeconds(5)));
            metrics.bind(snapshots);
            KafkaSink sink = new KafkaSink(snapshots, codec);
            open.push(sink);

            String podsTopic = topics.name(Topic.PODS);
            PodSource pods = new PodSource(
                    client,
                    sink,
                    podsTopic,
                    config.schedulerName(),
                    config.resync(),
                    () -> PodSource.liveKeys(kafka, podsTopic, clock));
            open.push(pods);
            LaunchLedger ledger = new LaunchLedger();
            CatchUpReader launchHistory = new CatchUpReader(
                    kafka, List.of(topics.name(Topic.LAUNCHER_EVENTS)), r -> LaunchHandler.fold(ledger, out, r), clock);
            open.push(launchHistory);
            launchHistory.bindTo(metrics);
            launchLoop = new TransactionalLoop(
                    "launch",
                    kafka,
                    config.launchGroup(),
                    config.launchTransactionalId(),
                    List.of(topics.name(Topic.LAUNCH_REQUESTS)),
                    counted.counting(
                            "launch",
                            new LaunchHandler(
                                    out,
                                    new BatchPodLookup(
                                            PodLookup.informerFirst(pods::cached, PodLookup.of(client)),
                                            config.bridgeConcurrency(),
                                            System::nanoTime,
                                            LOOKUP_MAX_AGE.toNanos()),
                                    config.executorCommand(),
                                    ledger,
                                    launchHistory,
                                    config.acceptRefuseSeconds())),
                    config.pollTimeout(),
                    DRAIN_POLLS,
                    config.transactionTimeout());
            open.push(launchLoop);
            launchLoop.bindTo(metrics); // its consumer (lag in its group) and producer

            NodeSource nodes = new NodeSource(client, sink, topics.name(Topic.NODES), config.resync());
            open.push(nodes);

            NodeRegistrar registrar = new NodeRegistrar(client, clock, nodes::cached);
            LaunchIndex index =
                    new LaunchIndex(codec, topics.name(Topic.MESOS_CALLS), topics.name(Topic.LAUNCHER_EVENTS));
            CatchUpReader bridgeHistory = new CatchUpReader(
                    kafka,
                    List.of(topics.name(Topic.MESOS_CALLS), topics.name(Topic.LAUNCHER_EVENTS)),
                    index::fold,
                    clock);
            open.push(bridgeHistory);
            bridgeHistory.bindTo(metrics);
            bridgeLoop = new TransactionalLoop(
                    "bridge",
                    kafka,
                    config.bridgeGroup(),
                    config.bridgeTransactionalId(),
                    List.of(topics.name(Topic.TASK_STATUS), topics.name(Topic.POD_ACTIONS)),
                    counted.counting(
                            "bridge",
                            new FeedbackHandler(
                                    out,
                                    index,
                                    bridgeHistory,
                                    new Binder(client, config.bindAttempts(), config.bindBackoff()),
                                    new PodStatusWriter(client, clock, nodes::cached, pods::cached),
                                    new PodActionExecutor(client),
                                    registrar,
                                    config.bridgeConcurrency())),
                    config.pollTimeout(),
                    0,
                    config.transactionTimeout());
            open.push(bridgeLoop);
            bridgeLoop.bindTo(metrics);

            nodeLoop = new TransactionalLoop(
                    "nodes",
                    kafka,
                    config.nodesGroup(),
                    config.nodesTransactionalId(),
                    List.of(topics.name(Topic.OFFERS), topics.name(Topic.FRAMEWORK)),
                    new NodeFeedHandler(out, registrar, config.bridgeConcurrency()),
                    config.pollTimeout(),
                    0,
                    config.transactionTimeout());
            open.push(nodeLoop);
            nodeLoop.bindTo(metrics);

            eventsLoop = new TransactionalLoop(
                    "events",
                    kafka,
                    config.eventsGroup(),
                    config.eventsTransactionalId(),
                    List.of(topics.name(Topic.SCHEDULER_EVENTS)),
                    new SchedulingEventsHandler(out, new FailedScheduling(client, config.schedulerName())),
                    config.pollTimeout(),
                    0,
                    config.transactionTimeout());
            open.push(eventsLoop);
            eventsLoop.bindTo(metrics);

            index.fallBackTo(pods::byTaskId);

            pods.start();
            nodes.start();
            launchLoop.start();
            bridgeLoop.start();
            nodeLoop.start();
            eventsLoop.start();
            ready = true; // the sources' start() returns once their informers have synced
            log.info(
                    "launcher {} started (scheduler name {}, groups {} / {})",
                    config.instanceId(),
                    config.schedulerName(),
                    config.launchGroup(),
                    config.bridgeGroup());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * True while the four loops run. A loop retries every transient failure (Kubernetes, registry,
     * broker, a handler that throws) and stops only on close or on an error it cannot recover from
     * (fenced by another instance with the same {@code launcher.instance.id}, not authorized); {@code
     * k8sm run launcher} then exits with 1.
     */
    @Override
    public boolean isHealthy() {
        List<TransactionalLoop> loops = loops();
        return !loops.isEmpty() && loops.stream().allMatch(TransactionalLoop::isRunning);
    }

    /** Every loop, once all are built (empty before). */
    private List<TransactionalLoop> loops() {
        if (launchLoop == null || bridgeLoop == null || nodeLoop == null || eventsLoop == null) {
            return List.of();
        }
        return List.of(launchLoop, bridgeLoop, nodeLoop, eventsLoop);
    }

    /** Healthy, and started: the pod and node informers synced, every loop running. */
    @Override
    public boolean isReady() {
        return ready && isHealthy();
    }

    @Override
    public String status() {
        List<TransactionalLoop> loops = loops();
        if (loops.isEmpty()) {
            return "starting (informers syncing)";
        }
        return String.join(", ", loops.stream().map(LauncherService::loopState).toList());
    }

    private static String loopState(TransactionalLoop loop) {
        String state = loop.isRunning() ? "running" : loop.failure() == null ? "stopped" : "failed: " + loop.failure();
        return loop.name() + " loop " + state;
    }

    @Override
    public ServiceMetrics metrics() {
        return metrics;
    }

    @Override
    public synchronized void close() {
        ready = false;
        while (!open.isEmpty()) {
            AutoCloseable c = open.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c, e.toString());
            }
        }
        metrics.close();
    }
}
