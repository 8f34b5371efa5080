package io.k8sm.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k8sm.config.K8smConfig;
import io.k8sm.sandbox.net.LinkProxy;
import io.k8sm.topics.Topic;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One seeded chaos run: the broker, the world and the four services as child JVMs; pods submitted
 * (host ports, flaky first launches, deletions), offers rescinded, one agent lost, and a schedule
 * drawn from the seed of kill -9 + restart of services, kill -9 + restart of the broker on the same
 * data directory, and SIGSTOP/SIGCONT pauses; then it waits for quiet and checks {@link ChaosCheck}.
 */
final class ChaosRun {
    static final List<String> SERVICES = List.of("scheduler", "offer-ingest", "launcher", "endpoint-controller");

    /**
     * What to do; {@code killTargets} the services the schedule may kill and pause, {@code linkCuts}
     * cuts of a random link, {@code pointKills} kills at the dangerous points ({@link ChaosFaults#POINTS}),
     * {@code recoveryKills} &gt; 0 the recovery measurement instead of the schedule, {@code standbys}
     * the services run as two instances (the second a hot standby: a kill -9 of the active one is a
     * failover).
     */
    record Options(
            long seed,
            int pods,
            int kills,
            int brokerRestarts,
            int linkCuts,
            int pointKills,
            int recoveryKills,
            Duration duration,
            Duration settle,
            List<String> killTargets,
            List<String> standbys,
            Path dir,
            String worldClasspath,
            String appClasspath) {}

    /** The outcome: the summary line and the violations. */
    record Result(String summary, List<ChaosCheck.Violation> violations) {}

    /** How long an offer may stay outstanding: the scheduler's TTL (5 s), plus a busy machine's grace. */
    static final long OFFER_ALLOWANCE_MILLIS = 5_000 + 25_000;

    private final Options o;
    private final PrintStream out;
    private final Random random;
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final Set<String> lostHosts = ConcurrentHashMap.newKeySet();
    private final Map<String, ChaosProcess> services = new LinkedHashMap<>();
    private final Map<String, Integer> exits = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger baits = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closing;
    private ChaosFaults faults;

    ChaosRun(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
        this.random = new Random(o.seed());
    }

    Result run() throws Exception {
        Files.createDirectories(o.dir().resolve("tmp"));
        Path settings = o.dir().resolve("world.properties");
        Path servicesSettings = o.dir().resolve("services.properties");
        int port = freePort();
        int controllerPort = freePort();
        int proxiedPort = freePort();
        int kafkaProxyPort = freePort();
        List<String> small = ChaosProcess.smallJvm(o.dir());
        List<String> brokerArgs = new ArrayList<>(List.of(
                "--port", "" + port,
                "--controller-port", "" + controllerPort,
                "--data-dir", o.dir().resolve("kafka").toString()));
        brokerArgs.addAll(ChaosLinks.brokerListenerArgs(port, controllerPort, proxiedPort, kafkaProxyPort));
        ChaosProcess broker = new ChaosProcess(
                "broker",
                ChaosProcess.java(o.worldClasspath(), small, "io.k8sm.sandbox.kafka.EmbeddedKafka", brokerArgs),
                o.dir().resolve("broker.log"));
        int agents = Math.max(6, o.pods() / 8 + 4);
        ChaosProcess world = new ChaosProcess(
                "world",
                ChaosProcess.java(
                        o.worldClasspath(),
                        // the simulator keeps every call and launch (its record): a long run needs room
                        List.of(
                                "-Xmx1g",
                                "-XX:+UseSerialGC",
                                "-Djava.io.tmpdir=" + o.dir().resolve("tmp")),
                        "io.k8sm.app.K8sm",
                        List.of(
                                "world",
                                "--bootstrap-servers",
                                "localhost:" + port,
                                "--agents",
                                "" + agents,
                                "--settings",
                                settings.toString(),
                                "--seed",
                                "" + o.seed())),
                o.dir().resolve("world.log"));
        List<AutoCloseable> all = new ArrayList<>(List.of(broker, world));
        try {
            startAwait(broker, "bootstrap.servers=");
            startAwait(world, "k8sm world: up");
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(settings)) {
                p.load(r);
            }
            ChaosLinks links = ChaosLinks.start(settings, servicesSettings, kafkaProxyPort, proxiedPort);
            all.add(links);
            String control = p.getProperty(World.CONTROL_URL);
            K8smConfig direct = new K8smConfig(p);
            ChaosRecords records = new ChaosRecords(
                    control,
                    direct.kafkaProperties(),
                    direct.topics().name(Topic.LAUNCH_REQUESTS),
                    OFFER_ALLOWANCE_MILLIS);
            all.add(records);
            for (String s : SERVICES) {
                for (int i = 1; i <= (o.standbys().contains(s) ? 2 : 1); i++) {
                    ChaosProcess c = ChaosProcess.service(s, i, o.dir(), o.appClasspath(), small);
                    services.put(c.name(), c);
                    all.add(c);
                    c.start();
                }
            }
            faults = new ChaosFaults(services, broker, links, records, () -> bait(p), out);
            // the schedule starts once every service is up (a JVM start takes long on a busy machine)
            // (one that exits while starting, e.g. its informers not filled in time, is started again)
            for (ChaosProcess c : services.values()) {
                int attempts = 1;
                while (!c.awaitLog(c.service() + " running;", Duration.ofSeconds(180))) {
                    if (c.alive() || attempts++ == 3) {
                        throw new IllegalStateException(c.name() + " did not start; see " + c.log());
                    }
                    exits.merge(c.name(), 1, Integer::sum);
                    out.println("k8sm chaos: " + c.name() + " exited while starting (exit " + c.exitCode()
                            + "); starting it again");
                    c.start();
                }
            }
            records.start();
            try (KubernetesClient kube = new KubernetesClientBuilder()
                    .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                            .withMasterUrl(p.getProperty(World.KUBE_MASTER))
                            .build())
                    .build()) {
                Thread supervisor = new Thread(this::supervise, "k8sm-chaos-supervisor");
                supervisor.setDaemon(true);
                supervisor.start();
                try {
                    return o.recoveryKills() > 0
                            ? new ChaosRecovery(o, kube, records, faults, out).run(control)
                            : drive(kube, control, direct, records);
                } finally {
                    supervisor.interrupt();
                    supervisor.join(5000);
                }
            }
        } finally {
            closing = true;
            for (int i = all.size() - 1; i >= 0; i--) {
                try {
                    all.get(i).close();
                } catch (Exception e) {
                    out.println("k8sm chaos: closing failed: " + e);
                }
            }
        }
    }

    private Result drive(KubernetesClient kube, String control, K8smConfig direct, ChaosRecords records)
            throws Exception {
        Map<String, String> hosts = ChaosCheck.agents(control);
        ChaosCheck.post(control, "/fail-first-launch?prefix=" + DemoRun.FLAKY);
        DemoPods.createServices(kube);
        int flaky = Math.max(1, o.pods() / 50);
        int toDelete = Math.max(1, o.pods() / 20);
        long t0 = System.nanoTime();
        long span = o.duration().toNanos();
        Thread submitter = new Thread(() -> submit(kube, flaky, (long) (span * 0.6), t0), "k8sm-chaos-submit");
        submitter.setDaemon(true);
        submitter.start();
        // The schedule: every fault at a time drawn from the seed, run in time order.
        TreeMap<Long, Runnable> schedule = new TreeMap<>();
        List<String> targets = o.killTargets();
        for (int i = 0; i < o.kills(); i++) {
            // every target once first (so a short run kills each), then at random
            String target = i < targets.size() ? targets.get(i) : targets.get(random.nextInt(targets.size()));
            long down = 500 + random.nextInt(2500);
            put(schedule, at(0.05, 0.8), () -> faults.restart(target, down));
            if (i % 2 == 0) {
                String paused = targets.get(random.nextInt(targets.size()));
                long stopped = 1000 + random.nextInt(4000);
                put(schedule, at(0.05, 0.8), () -> faults.pause(paused, stopped));
            }
        }
        for (int i = 0; i < o.pointKills(); i++) {
            String point = ChaosFaults.POINTS.get(i % ChaosFaults.POINTS.size());
            long down = 500 + random.nextInt(2500);
            put(schedule, at(0.05, 0.8), () -> faults.killAt(point, down));
        }
        for (int i = 0; i < o.brokerRestarts(); i++) {
            long down = 500 + random.nextInt(2000);
            put(schedule, at(0.1, 0.8), () -> faults.restartBroker(down));
        }
        for (int i = 0; i < o.linkCuts(); i++) {
            String link = ChaosLinks.LINKS.get(i % ChaosLinks.LINKS.size());
            LinkProxy.Mode mode = LinkProxy.Mode.values()[random.nextInt(2)];
            long cut = 1000 + random.nextInt(7000);
            put(schedule, at(0.05, 0.8), () -> faults.cut(link, mode, cut));
        }
        for (int i = 0; i < 3; i++) {
            put(schedule, at(0.1, 0.9), () -> faults.quietly(() -> ChaosCheck.post(control, "/rescind-all")));
        }
        for (int i = 0; i < toDelete; i++) {
            int victim = flaky + random.nextInt(Math.max(1, o.pods() - flaky));
            put(schedule, at(0.65, 0.9), () -> delete(kube, victim));
        }
        String lost = new TreeMap<>(hosts).firstKey();
        put(
                schedule,
                at(0.4, 0.6),
                () -> faults.quietly(() -> {
                    lostHosts.add(hosts.get(lost));
                    ChaosCheck.post(control, "/lose-agent?id=" + lost);
                }));
        for (Map.Entry<Long, Runnable> e : schedule.entrySet()) {
            long wait = t0 + e.getKey() - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            e.getValue().run();
        }
        submitter.join();
        for (int i = 0; i < ChaosCheck.PROBES.size(); i++) {
            kube.pods()
                    .inNamespace("default")
                    .resource(DemoPods.pod(ChaosCheck.PROBES.get(i), 2 + 4 * i))
                    .create();
        }
        out.printf(
                "k8sm chaos: schedule done after %.0f s; waiting for quiet (up to %d s)%n",
                (System.nanoTime() - t0) / 1e9, o.settle().toSeconds());
        ChaosCheck check = new ChaosCheck(control, kube, hosts);
        long deadline = System.nanoTime() + o.settle().toNanos();
        List<ChaosCheck.Violation> v;
        do {
            Thread.sleep(3000);
            v = check.check(deleted, lostHosts, List.copyOf(services.values()));
            if (v.isEmpty()) {
                v = check.checkRecords(records, faults.windows, ChaosTopics.statusUpdates(direct));
            }
            if (v.isEmpty()) {
                v = ChaosCheck.registryEqualsAFreshReplayOfTheTopics(
                        o.appClasspath(), o.dir().resolve("services.properties"));
            }
        } while (!v.isEmpty() && System.nanoTime() < deadline);
        String summary = String.format(
                "k8sm chaos: seed=%d pods=%d deleted=%d kills=%s points=%s cuts=%s exits=%s pauses=%d"
                        + " broker-restarts=%d agents-lost=%d violations=%d%s",
                o.seed(),
                o.pods() + ChaosCheck.PROBES.size() + baits.get(),
                deleted.size(),
                ChaosFaults.sorted(faults.kills),
                ChaosFaults.sorted(faults.points),
                ChaosFaults.sorted(faults.cuts),
                new TreeMap<>(exits),
                faults.pauses,
                faults.brokerRestarts,
                lostHosts.size(),
                v.size(),
                v.isEmpty() ? "" : " " + v + atTheEnd(records));
        return new Result(summary, v);
    }

    /** A failed run's last word: what the simulator saw of the pipeline, and each service's own status. */
    private String atTheEnd(ChaosRecords records) {
        return String.format(
                "; at the end: %d ACCEPTs, %d SUBSCRIBEDs, %d launch requests committed; health: %s",
                records.accepts(),
                records.subscriptions(),
                records.launchRequestsCommitted(),
                ChaosCheck.health(List.copyOf(services.values())));
    }

    /**
     * As a supervisor (systemd, a kubelet) would: a service that exited on its own is started again
     * and counted under exits; one killed on purpose is left to its restart.
     */
    private void supervise() {
        while (!Thread.currentThread().isInterrupted() && !closing) {
            for (ChaosProcess p : services.values()) {
                synchronized (p) {
                    if (!closing && !faults.down.contains(p.name()) && !p.alive()) {
                        exits.merge(p.name(), 1, Integer::sum);
                        out.println(
                                "k8sm chaos: " + p.name() + " exited on its own; restarting it (see " + p.log() + ")");
                        faults.quietly(p::start);
                    }
                }
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void submit(KubernetesClient kube, int flaky, long within, long t0) {
        for (int i = 0; i < o.pods(); i++) {
            Pod pod = DemoPods.pod(DemoPods.podName(i, flaky), i);
            long due = t0 + within * i / o.pods();
            try {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                kube.pods().inNamespace("default").resource(pod).create();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                out.println("k8sm chaos: creating " + pod.getMetadata().getName() + " failed: " + e);
            }
        }
    }

    /** A pod created to make a dangerous point come (a launch request, an ACCEPT); checked as every pod. */
    private void bait(Properties world) {
        int n = baits.getAndIncrement();
        faults.quietly(() -> {
            try (KubernetesClient kube = new KubernetesClientBuilder()
                    .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                            .withMasterUrl(world.getProperty(World.KUBE_MASTER))
                            .build())
                    .build()) {
                kube.pods()
                        .inNamespace("default")
                        .resource(DemoPods.pod("bait-" + n, 2 + 4 * n))
                        .create();
            }
        });
    }

    private void delete(KubernetesClient kube, int i) {
        faults.quietly(() -> deleteNow(kube, i));
    }

    private void deleteNow(KubernetesClient kube, int i) {
        String name = DemoPods.podName(i, Math.max(1, o.pods() / 50));
        if (kube.pods().inNamespace("default").withName(name).get() != null) {
            deleted.add("default/" + name);
            kube.pods().inNamespace("default").withName(name).delete();
        }
    }

    private long at(double from, double to) {
        return (long) (o.duration().toNanos() * (from + (to - from) * random.nextDouble()));
    }

    private static void put(TreeMap<Long, Runnable> schedule, long at, Runnable r) {
        while (schedule.containsKey(at)) {
            at++;
        }
        schedule.put(at, r);
    }

    /** Starts and waits for the marker; 300 s, since on a saturated machine a broker took over 120 s to start. */
    private static void startAwait(ChaosProcess p, String marker) throws IOException, InterruptedException {
        p.start();
        if (!p.awaitLog(marker, Duration.ofSeconds(300))) {
            throw new IllegalStateException(p.name() + " did not come up; see " + p.log());
        }
    }

    private static int freePort() throws IOException {
        return ChaosProcess.freePort();
    }
}
