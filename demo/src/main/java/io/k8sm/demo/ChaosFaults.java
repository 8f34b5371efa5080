package io.k8sm.demo;

import io.k8sm.sandbox.net.LinkProxy;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The faults the schedule injects, one at a time on the schedule's thread: kill -9 + restart of a
 * service (at a random point or at a dangerous one), kill -9 + restart of the broker, SIGSTOP/SIGCONT,
 * and cuts of a link; each counted, and its time span kept as a fault window (an offer left unanswered
 * across a fault is the fault's doing, not a leak).
 */
final class ChaosFaults {
    /** The dangerous points: where in the protocol a kill -9 lands. */
    static final List<String> POINTS =
            List.of("after-accept", "after-subscribed", "launcher-mid-transaction", "scheduler-mid-transaction");

    /** One fault's time span (wall clock). */
    record Window(String what, long fromMillis, long toMillis) {}

    private final Map<String, ChaosProcess> services;
    private final ChaosProcess broker;
    private final ChaosLinks links;
    private final ChaosRecords records;
    private final PrintStream out;
    private final Runnable bait;
    final Map<String, Integer> kills = new ConcurrentHashMap<>();
    final Map<String, Integer> points = new ConcurrentHashMap<>();
    final Map<String, Integer> cuts = new ConcurrentHashMap<>();
    final Set<String> down = ConcurrentHashMap.newKeySet();
    final List<Window> windows = new CopyOnWriteArrayList<>();
    volatile int pauses;
    volatile int brokerRestarts;
    private final long startMillis = System.currentTimeMillis();

    ChaosFaults(
            Map<String, ChaosProcess> services,
            ChaosProcess broker,
            ChaosLinks links,
            ChaosRecords records,
            Runnable bait,
            PrintStream out) {
        this.bait = bait;
        this.services = services;
        this.broker = broker;
        this.links = links;
        this.records = records;
        this.out = out;
        services.keySet().forEach(s -> kills.put(s, 0));
    }

    /** kill -9 of the service, down for {@code downMillis}, started again. */
    void restart(String service, long downMillis) {
        long t0 = System.currentTimeMillis();
        ChaosProcess p = services.get(service);
        quietly(() -> {
            down.add(service);
            try {
                p.kill9();
                kills.merge(service, 1, Integer::sum);
                Thread.sleep(downMillis);
                p.start();
            } finally {
                down.remove(service);
            }
        });
        note(new Window("kill " + service, t0, System.currentTimeMillis()));
    }

    /** The instances of the service: itself and its hot standby ({@code SERVICE-2}) if it has one. */
    List<ChaosProcess> instances(String service) {
        return services.values().stream()
                .filter(p -> p.name().equals(service) || p.name().equals(service + "-2"))
                .toList();
    }

    /**
     * A failover: kill -9 of {@code active} (its hot standby takes over), left down while {@code
     * whileDown} runs (the supervisor does not restart it), then started again, as the new standby.
     */
    <T> T failover(ChaosProcess active, java.util.concurrent.Callable<T> whileDown) throws Exception {
        long t0 = System.currentTimeMillis();
        down.add(active.name());
        try {
            active.kill9();
            kills.merge(active.name(), 1, Integer::sum);
            return whileDown.call();
        } finally {
            active.start();
            down.remove(active.name());
            note(new Window("failover " + active.name(), t0, System.currentTimeMillis()));
        }
    }

    /** kill -9 of the broker, down for {@code downMillis}, started again on its data directory and ports. */
    void restartBroker(long downMillis) {
        long t0 = System.currentTimeMillis();
        quietly(() -> {
            broker.kill9();
            brokerRestarts++;
            Thread.sleep(downMillis);
            broker.start();
            if (!broker.awaitLog("bootstrap.servers=", Duration.ofSeconds(300))) {
                throw new IllegalStateException("the broker did not come back; see " + broker.log());
            }
        });
        note(new Window("broker restart", t0, System.currentTimeMillis()));
    }

    void pause(String service, long millis) {
        long t0 = System.currentTimeMillis();
        quietly(() -> {
            ChaosProcess p = services.get(service);
            p.pause();
            pauses++;
            Thread.sleep(millis);
            p.resume();
        });
        note(new Window("pause " + service, t0, System.currentTimeMillis()));
    }

    /** The link is cut ({@code mode}) for {@code millis}, then restored. */
    void cut(String link, LinkProxy.Mode mode, long millis) {
        long t0 = System.currentTimeMillis();
        quietly(() -> {
            LinkProxy proxy = links.get(link);
            proxy.cut(mode);
            cuts.merge(link + "/" + mode.name().toLowerCase(), 1, Integer::sum);
            try {
                Thread.sleep(millis);
            } finally {
                proxy.restore();
            }
        });
        note(new Window("cut " + link + " " + mode.name().toLowerCase(), t0, System.currentTimeMillis()));
    }

    /**
     * A kill -9 at a dangerous point, seen from the other side's record: offer-ingest just after the
     * simulator executed an ACCEPT, or just after it answered a SUBSCRIBE with SUBSCRIBED (it is killed
     * and started once to make it subscribe, then killed just after); the launcher just after a launch
     * request became visible to it (read_committed), before it can have finished with it; the
     * scheduler just after a launch request of its open transaction appeared (read_uncommitted).
     * A bait pod is created first (all pods may be placed already), so that the point comes; when it
     * does not come within 60 s, the service is killed anyway, and counted as missed.
     */
    void killAt(String point, long downMillis) {
        long t0 = System.currentTimeMillis();
        String service = switch (point) {
            case "after-accept", "after-subscribed" -> "offer-ingest";
            case "launcher-mid-transaction" -> "launcher";
            default -> "scheduler";
        };
        quietly(() -> {
            if (point.equals("after-subscribed")) {
                restart(service, 200);
            }
            LongSupplier counter = switch (point) {
                case "after-accept" -> records::accepts;
                case "after-subscribed" -> records::subscriptions;
                case "launcher-mid-transaction" -> records::launchRequestsCommitted;
                default -> records::launchRequestsUncommitted;
            };
            long before = counter.getAsLong();
            if (!point.equals("after-subscribed")) {
                bait.run();
            }
            boolean hit = ChaosRecords.await(
                    () -> counter.getAsLong() > before && services.get(service).alive(), Duration.ofSeconds(60));
            points.merge(hit ? point : point + "(missed)", 1, Integer::sum);
            restart(service, downMillis);
        });
        note(new Window("kill at " + point, t0, System.currentTimeMillis()));
    }

    /** Keeps the fault's window and prints one line for it (the run's log says what happened when). */
    private void note(Window w) {
        windows.add(w);
        out.printf(
                "k8sm chaos: %7.1f s %s (%.1f s; seen so far: %d ACCEPTs, %d SUBSCRIBEDs, %d/%d launch requests"
                        + " uncommitted/committed)%n",
                (w.fromMillis() - startMillis) / 1000.0,
                w.what(),
                (w.toMillis() - w.fromMillis()) / 1000.0,
                records.accepts(),
                records.subscriptions(),
                records.launchRequestsUncommitted(),
                records.launchRequestsCommitted());
    }

    /** Counts for the summary line, sorted. */
    static Map<String, Integer> sorted(Map<String, Integer> m) {
        return new TreeMap<>(m);
    }

    interface Step {
        void run() throws Exception;
    }

    void quietly(Step s) {
        try {
            s.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.println("k8sm chaos: step failed: " + e);
        }
    }
}
