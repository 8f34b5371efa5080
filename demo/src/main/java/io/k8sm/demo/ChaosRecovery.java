package io.k8sm.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code k8sm chaos --recovery-kills N}: while pods flow (one submitted every {@link #EVERY_MILLIS}),
 * each service in turn is killed -9 and started again at once (as a supervisor would), N rounds; the
 * recovery time is from the kill until pods flow again, seen from the other side's record: for the
 * scheduler, offer-ingest and the launcher, the first launch in the simulator's record of a pod
 * created after the kill (a launch needs all three); for the endpoint controller, the first such pod
 * in its Service's Endpoints in the Kubernetes API. It includes a pod's ordinary way through the
 * pipeline, measured alone before the first kill as the baseline. Prints median and max per service.
 */
final class ChaosRecovery {
    static final long EVERY_MILLIS = 500;
    private static final Duration GIVE_UP = Duration.ofSeconds(240);
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    private final ChaosRun.Options o;
    private final KubernetesClient kube;
    private final ChaosRecords records;
    private final ChaosFaults faults;
    private final PrintStream out;
    private final Map<String, Long> createdAt = new ConcurrentHashMap<>();
    private volatile boolean stop;

    ChaosRecovery(
            ChaosRun.Options o, KubernetesClient kube, ChaosRecords records, ChaosFaults faults, PrintStream out) {
        this.o = o;
        this.kube = kube;
        this.records = records;
        this.faults = faults;
        this.out = out;
    }

    ChaosRun.Result run(String control) throws Exception {
        DemoPods.createServices(kube);
        Thread submitter = new Thread(this::submit, "k8sm-chaos-recovery-submit");
        submitter.setDaemon(true);
        submitter.start();
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        try {
            double baseline = measure("baseline", System.currentTimeMillis());
            for (int round = 0; round < o.recoveryKills(); round++) {
                for (String s : o.killTargets()) {
                    Thread.sleep(5000); // pods flowing again for a while before the next kill
                    List<ChaosProcess> instances = faults.instances(s);
                    String what = instances.size() > 1 ? s + "-failover" : s;
                    // the kill's time once the active instance is known: finding it may take a while
                    ChaosProcess active = instances.size() > 1 ? active(instances) : null;
                    long t = System.currentTimeMillis();
                    double took;
                    if (active != null) {
                        took = faults.failover(active, () -> measure(s, t));
                        awaitReady(active);
                    } else {
                        faults.restart(s, 0);
                        took = measure(s, t);
                    }
                    seconds.computeIfAbsent(what, k -> new ArrayList<>()).add(took);
                    out.printf("k8sm chaos: recovery %s round %d: %.1f s%n", what, round + 1, took);
                }
            }
            StringBuilder line = new StringBuilder(String.format(
                    "k8sm chaos: seed=%d recovery after kill -9 (s, median/max of %d, pipeline baseline %.1f):",
                    o.seed(), o.recoveryKills(), baseline));
            seconds.forEach((s, l) -> line.append(' ').append(s).append('=').append(medianAndMax(l)));
            boolean gaveUp = seconds.values().stream().flatMap(List::stream).anyMatch(d -> d < 0);
            List<ChaosCheck.Violation> v = gaveUp
                    ? List.of(new ChaosCheck.Violation(
                            "pods did not flow again",
                            "within " + GIVE_UP.toSeconds() + " s of a kill (shown as never)"))
                    : List.of();
            return new ChaosRun.Result(line + (v.isEmpty() ? "" : " " + v), v);
        } finally {
            stop = true;
            submitter.join(5000);
        }
    }

    /**
     * "median/max" of recovery seconds, where -1 (pods never flowed again) is the longest of all and
     * is printed {@code never}: a lost recovery must not read as the fastest one.
     */
    static String medianAndMax(List<Double> seconds) {
        List<Double> sorted = seconds.stream()
                .sorted(java.util.Comparator.comparingDouble(d -> d < 0 ? Double.POSITIVE_INFINITY : d))
                .toList();
        return shown(sorted.get((sorted.size() - 1) / 2)) + "/" + shown(sorted.get(sorted.size() - 1));
    }

    private static String shown(double s) {
        return s < 0 ? "never" : String.format(java.util.Locale.ROOT, "%.1f", s);
    }

    /**
     * True when a service's Prometheus text says it is the instance doing the work: a scheduler with
     * an active shard ({@code k8sm_scheduler_shards{role="active"}} above 0), or a {@code *_leader}
     * gauge at 1.
     */
    static boolean active(String metrics) {
        return says(metrics, "active", 1);
    }

    /** True when it is a hot standby: a scheduler with a standby shard, or a {@code *_leader} gauge at 0. */
    static boolean standby(String metrics) {
        return says(metrics, "standby", 0);
    }

    private static boolean says(String metrics, String role, double leader) {
        for (String line : metrics.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || line.startsWith("#")) {
                continue;
            }
            String name = f[0].contains("{") ? f[0].substring(0, f[0].indexOf('{')) : f[0];
            double v = Double.parseDouble(f[f.length - 1]);
            if ((name.equals("k8sm_scheduler_shards") && f[0].contains("role=\"" + role + "\"") && v > 0)
                    || (name.endsWith("_leader") && v == leader)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The instance its metrics name active, once another says it is a hot standby ready to take over
     * (the first instance, if that does not come within two minutes).
     */
    private ChaosProcess active(List<ChaosProcess> instances) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            for (ChaosProcess p : instances) {
                String metrics = httpGet(p, "/metrics");
                if (metrics != null && active(metrics) && instances.stream().anyMatch(q -> q != p && standby(q))) {
                    return p;
                }
            }
            Thread.sleep(200);
        }
        out.println("k8sm chaos: no instance of " + instances.get(0).service()
                + " is active with a standby beside it; killing the first");
        return instances.get(0);
    }

    private static boolean standby(ChaosProcess p) {
        String metrics = httpGet(p, "/metrics");
        return metrics != null && standby(metrics);
    }

    /** Until the restarted instance is ready (a standby: its stores caught up), at most three minutes. */
    private void awaitReady(ChaosProcess p) throws InterruptedException {
        for (int i = 0; i < 900; i++) {
            if (httpGet(p, "/readyz") != null) {
                return;
            }
            Thread.sleep(200);
        }
        out.println("k8sm chaos: " + p.name() + " not ready three minutes after its restart");
    }

    /** The body of a 200 answer of the process's HTTP port, or null (not up, not ready, no answer). */
    private static String httpGet(ChaosProcess p, String path) {
        try {
            java.net.http.HttpResponse<String> r = HTTP.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + p.httpPort() + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Seconds from {@code killedAt} until a pod created after it shows the service's work; -1 if never. */
    private double measure(String service, long killedAt) throws InterruptedException {
        long deadline = System.currentTimeMillis() + GIVE_UP.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (service.equals("endpoint-controller")) {
                Long at = firstInEndpoints(killedAt);
                if (at != null) {
                    return (at - killedAt) / 1000.0;
                }
            } else {
                for (ChaosRecords.SeenLaunch l : records.launches()) {
                    Long c = createdAt.get(l.pod());
                    if (c != null && c >= killedAt) {
                        return (l.seenAtMillis() - killedAt) / 1000.0;
                    }
                }
            }
            Thread.sleep(100);
        }
        return -1;
    }

    private Long firstInEndpoints(long after) {
        try {
            for (String svc : List.of("api", "web")) {
                var e = kube.endpoints().inNamespace("default").withName(svc).get();
                if (e == null || e.getSubsets() == null) {
                    continue;
                }
                boolean found = e.getSubsets().stream()
                        .filter(s -> s.getAddresses() != null)
                        .flatMap(s -> s.getAddresses().stream())
                        .anyMatch(a -> a.getTargetRef() != null
                                && createdAt.getOrDefault(
                                                "default/" + a.getTargetRef().getName(), 0L)
                                        >= after);
                if (found) {
                    return System.currentTimeMillis();
                }
            }
        } catch (RuntimeException e) {
            // the API is busy; the next poll tries again
        }
        return null;
    }

    private void submit() {
        for (int i = 0; i < o.pods() && !stop; i++) {
            String name = DemoPods.podName(i, 0);
            try {
                createdAt.put("default/" + name, System.currentTimeMillis());
                kube.pods()
                        .inNamespace("default")
                        .resource(DemoPods.pod(name, i))
                        .create();
                Thread.sleep(EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                out.println("k8sm chaos: creating " + name + " failed: " + e);
            }
        }
    }
}
