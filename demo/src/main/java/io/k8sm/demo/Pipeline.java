package io.k8sm.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8sm.config.K8smConfig;
import io.k8sm.deadletter.DeadLetterConfig;
import io.k8sm.endpoints.EndpointControllerConfig;
import io.k8sm.endpoints.EndpointControllerService;
import io.k8sm.launcher.LauncherConfig;
import io.k8sm.launcher.LauncherService;
import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.offeringest.OfferIngestService;
import io.k8sm.sandbox.kube.EmbeddedKubernetes;
import io.k8sm.sandbox.mesos.MesosMasterSimulator;
import io.k8sm.sandbox.mesos.SimulatedAgent;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerService;
import io.k8sm.service.K8smService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.mesos.v1.Protos.TaskState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on the embedded world: a Kubernetes API (fabric8 mock server with real
 * bindings), a simulated Mesos master with agents, and every k8sm service — scheduler,
 * offer-ingest, launcher, endpoint-controller — wired through the world's Kafka topics exactly as
 * {@code k8sm run ...} wires them. The demo and the end-to-end tests both run on it; services can
 * be restarted one by one.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** What the world looks like. */
    public record Options(
            int agents,
            double agentCpus,
            double agentMemMb,
            Duration allocationInterval,
            Duration startingAfter,
            Duration runningAfter,
            double failRateAfterRunning,
            long seed,
            Path stateDir) {
        public Options {
            Objects.requireNonNull(stateDir, "stateDir");
        }

        public static Options defaults(Path stateDir) {
            return new Options(
                    30,
                    8,
                    16_384,
                    Duration.ofSeconds(1),
                    Duration.ofMillis(800),
                    Duration.ofMillis(300),
                    0.0,
                    42L,
                    stateDir);
        }

        public Options withAgents(int n) {
            return new Options(
                    n,
                    agentCpus,
                    agentMemMb,
                    allocationInterval,
                    startingAfter,
                    runningAfter,
                    failRateAfterRunning,
                    seed,
                    stateDir);
        }
    }

    private final DemoWorld world;
    private final EmbeddedKubernetes kube;
    private final MesosMasterSimulator mesos;
    private final KubernetesClient client;
    private final Map<String, String> settings;
    private final boolean ownsWorld;
    private SchedulerService scheduler;
    private OfferIngestService ingest;
    private LauncherService launcher;
    private EndpointControllerService endpoints;

    private Pipeline(
            DemoWorld world,
            EmbeddedKubernetes kube,
            MesosMasterSimulator mesos,
            Map<String, String> settings,
            boolean ownsWorld) {
        this.world = world;
        this.ownsWorld = ownsWorld;
        this.kube = kube;
        this.mesos = mesos;
        this.client = kube.client();
        this.settings = settings;
    }

    /**
     * Starts the Kubernetes API and the Mesos master on the world; the services start with {@link
     * #startAll()}.
     */
    public static Pipeline create(DemoWorld world, Options o) throws Exception {
        return create(world, o, false);
    }

    /**
     * A pipeline on a world of its own (settings file in the state dir), closed with it: for tests.
     */
    public static Pipeline onNewWorld(Options o) throws Exception {
        DemoWorld world = DemoWorld.start(null, 0, 0, o.stateDir().resolve("settings.properties"));
        try {
            return create(world, o, true);
        } catch (Exception | Error e) {
            world.close();
            throw e;
        }
    }

    private static Pipeline create(DemoWorld world, Options o, boolean ownsWorld) throws Exception {
        List<SimulatedAgent> agents = agents(o.agents(), o.agentCpus(), o.agentMemMb());
        MesosMasterSimulator.Builder mb = MesosMasterSimulator.builder()
                .agents(agents)
                .allocationInterval(o.allocationInterval())
                .taskLifecycle(o.startingAfter(), o.runningAfter())
                .statusUpdateRetryInterval(Duration.ofSeconds(2))
                .seed(o.seed());
        if (o.failRateAfterRunning() > 0) {
            mb.faultRate(TaskState.TASK_FAILED, o.failRateAfterRunning());
        }
        MesosMasterSimulator mesos = mb.start();
        EmbeddedKubernetes kube = EmbeddedKubernetes.start();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(K8smConfig.BOOTSTRAP_SERVERS, world.config().bootstrapServers());
        settings.put(K8smConfig.SCHEMA_REGISTRY_URL, world.config().schemaRegistryUrl());
        settings.put(K8smConfig.TOPIC_REPLICATION_FACTOR, "1");
        settings.put(OfferIngestConfig.MASTER, mesos.schedulerUri().toString());
        settings.put(
                SchedulerConfig.STATE_DIR, o.stateDir().resolve("scheduler").toString());
        settings.put(SchedulerConfig.OFFER_REFUSE_SECONDS, "1");
        return new Pipeline(world, kube, mesos, Map.copyOf(settings), ownsWorld);
    }

    /**
     * {@code n} agents {@code agent-1-S0..} on hosts {@code agent-01..}: three port ranges, rack and zone
     * attributes, and a fault domain (region-1, zone region-1-east or -west).
     */
    static List<SimulatedAgent> agents(int n, double cpus, double memMb) {
        List<SimulatedAgent> agents = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String host = String.format("agent-%02d", i);
            agents.add(new SimulatedAgent(
                            "agent-" + i + "-S0",
                            host,
                            cpus,
                            memMb,
                            100_000,
                            List.of(
                                    new SimulatedAgent.PortRange(8000, 8099),
                                    new SimulatedAgent.PortRange(31000, 31099),
                                    new SimulatedAgent.PortRange(32000, 32099)),
                            Map.of("rack", "r" + (i % 3), "zone", i % 2 == 0 ? "east" : "west"),
                            List.of("*"))
                    .withDomain("region-1", i % 2 == 0 ? "region-1-east" : "region-1-west"));
        }
        return agents;
    }

    /** Starts every service, in the order data flows. */
    public Pipeline startAll() throws Exception {
        startScheduler();
        startLauncher();
        startIngest();
        startEndpoints();
        return this;
    }

    public synchronized void startScheduler() {
        startScheduler(Map.of());
    }

    /**
     * Starts the scheduler with some settings changed, e.g. another application id (a fresh
     * registry).
     */
    public synchronized void startScheduler(Map<String, String> overrides) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.putAll(overrides);
        scheduler = started(new SchedulerService(SchedulerConfig.fromMap(s)));
        LOG.info("scheduler started (state dir {})", scheduler.stateDir());
    }

    /** The scheduler's local state directory (its stores; the changelog topics hold the truth). */
    public Path schedulerStateDir() {
        return Path.of(settings.get(SchedulerConfig.STATE_DIR));
    }

    public synchronized void stopScheduler() {
        closeQuietly(scheduler);
        scheduler = null;
    }

    public synchronized void startLauncher() {
        launcher = started(new LauncherService(client, LauncherConfig.fromMap(settings)));
    }

    public synchronized void stopLauncher() {
        closeQuietly(launcher);
        launcher = null;
    }

    public synchronized void startIngest() {
        ingest = started(
                OfferIngestService.builder(OfferIngestConfig.fromMap(settings)).build());
    }

    public synchronized void startEndpoints() {
        endpoints = started(new EndpointControllerService(client, EndpointControllerConfig.fromMap(settings)));
    }

    /** The running scheduler, e.g. for interactive queries of its stores; null while stopped. */
    public synchronized SchedulerService scheduler() {
        return scheduler;
    }

    /** The running launcher, offer-ingest and endpoint controller (null while stopped): their HTTP servers. */
    public synchronized LauncherService launcher() {
        return launcher;
    }

    public synchronized OfferIngestService ingest() {
        return ingest;
    }

    public synchronized EndpointControllerService endpoints() {
        return endpoints;
    }

    public KubernetesClient kubernetes() {
        return client;
    }

    public MesosMasterSimulator mesos() {
        return mesos;
    }

    public DemoWorld world() {
        return world;
    }

    public Map<String, String> settings() {
        return settings;
    }

    public boolean healthy() {
        return scheduler != null && scheduler.isHealthy() && launcher != null && launcher.isHealthy();
    }

    /** Starts a service the way {@code k8sm run} does: through its front door; closes it if the start fails. */
    private static <S extends K8smService> S started(S service) {
        try {
            service.start();
        } catch (RuntimeException | Error e) {
            service.close();
            throw e;
        }
        return service;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", c.getClass().getSimpleName(), e);
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(endpoints);
        closeQuietly(ingest);
        closeQuietly(launcher);
        closeQuietly(scheduler);
        DeadLetterConfig.closeSharedPublishers();
        closeQuietly(client);
        closeQuietly(kube);
        closeQuietly(mesos);
        if (ownsWorld) {
            closeQuietly(world);
        }
    }
}
