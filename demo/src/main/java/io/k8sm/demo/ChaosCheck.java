package io.k8sm.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The invariants {@code k8sm chaos} checks once the system is quiet, each from the other side's own
 * record — the simulated master's tasks and launch history (the world's control endpoint) and the
 * Kubernetes API's pods — never from k8sm's logs or topics.
 */
final class ChaosCheck {

    /** One broken invariant: its name and an example. */
    record Violation(String invariant, String example) {
        @Override
        public String toString() {
            return invariant + " (" + example + ")";
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * The pods created once the schedule is done: each Running proves the scheduler, offer-ingest and
     * the launcher still work; the {@code api-} one in the {@code api} Service's Endpoints proves the
     * endpoint controller does ("no process alive but not working").
     */
    static final List<String> PROBES = List.of("probe-0", "probe-1", "api-probe-2");

    /** How long after a fault ends an offer it left unanswered is still the fault's doing. */
    static final long FAULT_RECOVERY_MILLIS = 90_000;

    /** How long the replay comparison may take at the end of a run. */
    static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(5);

    private final String controlUrl;
    private final KubernetesClient kube;
    private final Map<String, String> hostOfAgent;

    ChaosCheck(String controlUrl, KubernetesClient kube, Map<String, String> hostOfAgent) {
        this.controlUrl = controlUrl;
        this.kube = kube;
        this.hostOfAgent = Map.copyOf(hostOfAgent);
    }

    /** The simulator's agents (id → hostname) as the control endpoint lists them. */
    static Map<String, String> agents(String controlUrl) throws IOException, InterruptedException {
        Map<String, String> out = new HashMap<>();
        for (Map<String, Object> a : get(controlUrl, "/agents")) {
            out.put((String) a.get("id"), (String) a.get("hostname"));
        }
        return out;
    }

    /**
     * Every violation now; {@code deleted} are the pods the harness deleted, {@code lostHosts} the
     * agents it removed, {@code services} the service processes that must be alive.
     */
    List<Violation> check(Set<String> deleted, Set<String> lostHosts, List<ChaosProcess> services)
            throws IOException, InterruptedException {
        Map<String, List<String>> violations = new TreeMap<>();
        List<Map<String, Object>> tasks = get(controlUrl, "/tasks");
        List<Map<String, Object>> launches = get(controlUrl, "/launches");
        Map<String, Integer> launchesOfTask = new HashMap<>();
        Map<String, String> podOfTask = new HashMap<>();
        for (Map<String, Object> l : launches) {
            String id = (String) l.get("taskId");
            if (launchesOfTask.merge(id, 1, Integer::sum) == 2) {
                add(violations, "task id launched twice", id);
            }
            podOfTask.put(id, podKey((String) l.get("taskName")));
        }
        Map<String, List<Map<String, Object>>> liveTasksOfPod = new HashMap<>();
        Map<String, String> lastStateOfPod = new HashMap<>();
        for (Map<String, Object> t : tasks) {
            String state = (String) t.get("state");
            lastStateOfPod.put(podOfTask.getOrDefault((String) t.get("taskId"), "?"), state);
            if (!io.k8sm.sandbox.mesos.MesosMasterSimulator.isTerminal(
                    org.apache.mesos.v1.Protos.TaskState.valueOf(state))) {
                String pod = podOfTask.getOrDefault((String) t.get("taskId"), "?");
                liveTasksOfPod.computeIfAbsent(pod, k -> new ArrayList<>()).add(t);
            }
        }
        Map<String, Pod> pods = new HashMap<>();
        for (Pod p : kube.pods().inAnyNamespace().list().getItems()) {
            pods.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
        }
        for (Map.Entry<String, List<Map<String, Object>>> e : liveTasksOfPod.entrySet()) {
            String pod = e.getKey();
            String task = (String) e.getValue().get(0).get("taskId");
            if (e.getValue().size() > 1) {
                add(
                        violations,
                        "pod launched under two task ids at once",
                        pod + ": " + e.getValue().size() + " tasks");
            }
            if (deleted.contains(pod) && !pods.containsKey(pod)) {
                add(violations, "deleted pod with a running task", pod + " " + task);
            } else if (!pods.containsKey(pod)) {
                add(violations, "orphan Mesos task", task + " of unknown pod " + pod);
            }
        }
        for (Map.Entry<String, Pod> e : pods.entrySet()) {
            Pod p = e.getValue();
            if (!"k8sm".equals(p.getSpec().getSchedulerName())
                    || p.getMetadata().getName().startsWith("huge-")) {
                continue;
            }
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            List<Map<String, Object>> live = liveTasksOfPod.getOrDefault(e.getKey(), List.of());
            String node = p.getSpec().getNodeName();
            if (("Failed".equals(phase) || "Unknown".equals(phase))
                    && live.isEmpty()
                    && node != null
                    && lostHosts.contains(node)) {
                // bound to the agent that was lost: Failed, as a pod on a dead node is, or Unknown while
                // the scheduler's deletion guard holds it beyond the budget for an operator's word
                continue;
            }
            if (!"Running".equals(phase)) {
                add(violations, "live pod not Running", e.getKey() + " phase " + phase + ", " + live.size() + " tasks");
            } else if (live.size() != 1 || !"TASK_RUNNING".equals(live.get(0).get("state"))) {
                add(
                        violations,
                        "live pod not Running exactly once",
                        e.getKey() + " on " + node + ": " + live.size() + " live tasks, last "
                                + lastStateOfPod.get(e.getKey()));
            } else if (!hostOfAgent
                    .getOrDefault((String) live.get(0).get("agentId"), "?")
                    .equals(node)) {
                add(
                        violations,
                        "pod bound to another agent than its task's",
                        e.getKey() + " on " + node + ", task on " + live.get(0).get("agentId"));
            }
        }
        for (ChaosProcess s : services) {
            if (!s.alive()) {
                add(violations, "service process dead", s.name());
            }
        }
        String probe = PROBES.get(PROBES.size() - 1);
        if (pods.containsKey("default/" + probe) && !inEndpoints("api", probe)) {
            add(violations, "service alive but not working", "endpoint-controller: " + probe + " not in Endpoints api");
        }
        List<Violation> out = new ArrayList<>();
        violations.forEach((k, v) -> out.add(new Violation(k, v.size() + "x, e.g. " + v.get(0))));
        return out;
    }

    private boolean inEndpoints(String service, String pod) {
        var e = kube.endpoints().inNamespace("default").withName(service).get();
        return e != null
                && e.getSubsets() != null
                && e.getSubsets().stream()
                        .filter(s -> s.getAddresses() != null)
                        .flatMap(s -> s.getAddresses().stream())
                        .anyMatch(a -> a.getTargetRef() != null
                                && pod.equals(a.getTargetRef().getName()));
    }

    /**
     * The invariants read from what {@link ChaosRecords} kept of the simulator's record during the run:
     * every status update the simulator saw acknowledged is on {@code task-status} ({@code statusKeys},
     * {@link ChaosTopics#statusUpdates}); no offer stayed outstanding — neither used nor declined —
     * past the scheduler's TTL plus a grace ({@link ChaosRun#OFFER_ALLOWANCE_MILLIS}), unless its time
     * overlaps a fault (a killed, paused or cut service cannot answer it) or the recovery after one; and
     * none is outstanding that long now.
     */
    List<Violation> checkRecords(ChaosRecords records, List<ChaosFaults.Window> faults, Set<String> statusKeys)
            throws IOException, InterruptedException {
        Map<String, List<String>> violations = new TreeMap<>();
        for (ChaosRecords.Ack a : records.acks()) {
            if (!statusKeys.contains(a.taskId() + "/" + a.uuid())) {
                add(
                        violations,
                        "acknowledged status update missing from task-status",
                        a.taskId() + " uuid " + a.uuid());
            }
        }
        for (ChaosRecords.OldOffer old : records.oldOffers()) {
            boolean excused = faults.stream()
                    .anyMatch(w -> w.fromMillis() <= old.seenAtMillis()
                            && w.toMillis() + FAULT_RECOVERY_MILLIS >= old.offeredAtMillis());
            if (!excused) {
                add(
                        violations,
                        "offer neither used nor declined past its TTL",
                        old.offerId() + " outstanding " + (old.seenAtMillis() - old.offeredAtMillis()) / 1000
                                + " s, no fault near");
            }
        }
        long now = System.currentTimeMillis();
        for (Map<String, Object> o : get(controlUrl, "/offers")) {
            long age = now - ((Number) o.get("offeredAtMillis")).longValue();
            if (age > ChaosRun.OFFER_ALLOWANCE_MILLIS) {
                add(
                        violations,
                        "offer neither used nor declined past its TTL",
                        o.get("offerId") + " outstanding " + age / 1000 + " s at the end");
            }
        }
        List<Violation> out = new ArrayList<>();
        violations.forEach((k, v) -> out.add(new Violation(k, v.size() + "x, e.g. " + v.get(0))));
        return out;
    }

    /**
     * The registry equals a fresh replay of the topics: {@code k8sm replay --compare} as a child JVM on
     * the services' settings rebuilds the task registry from the input topics (up to the live group's
     * committed offsets) and compares it, field by field, with the compacted {@code task-registry}; its
     * exit 1 is a violation quoting the first differences, any other failure one naming the replay's
     * last words.
     */
    static List<Violation> registryEqualsAFreshReplayOfTheTopics(String appClasspath, Path servicesSettings)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(servicesSettings.getParent(), "replay-compare", ".log");
        Process p = new ProcessBuilder(ChaosProcess.java(
                        appClasspath,
                        List.of("-Xmx512m", "-XX:+UseSerialGC"),
                        "io.k8sm.app.K8sm",
                        List.of("replay", "--compare", "--config", servicesSettings.toString())))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(REPLAY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return List.of(
                    new Violation("k8sm replay --compare did not finish", "within " + REPLAY_TIMEOUT + ", see " + out));
        }
        if (p.exitValue() == 0) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(out);
        List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
        return List.of(new Violation(
                p.exitValue() == 1
                        ? "registry differs from a fresh replay of the topics (k8sm replay --compare)"
                        : "k8sm replay --compare failed with exit " + p.exitValue(),
                String.join(" | ", tail)));
    }

    private static final java.util.regex.Pattern SERVES =
            java.util.regex.Pattern.compile("serves (http://[^/\\s]+)/metrics");

    /**
     * What each service says of itself now, for a failed run's summary: its {@code /healthz} status and
     * text (the address read from the last "serves" line of its log), so that CI's one line already says
     * which stage stood still (offer-ingest not subscribed, a loop of the launcher down, ...).
     */
    static String health(List<ChaosProcess> services) {
        List<String> out = new ArrayList<>();
        for (ChaosProcess s : services) {
            String base = null;
            try {
                var m = SERVES.matcher(Files.readString(s.log(), java.nio.charset.StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    base = m.group(1);
                }
                if (base == null) {
                    out.add(s.name() + ": no HTTP address in its log");
                    continue;
                }
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/healthz"))
                                .timeout(Duration.ofSeconds(3))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                String body = r.body().replaceAll("\\s+", " ").trim();
                out.add(s.name() + ": " + r.statusCode() + " " + body.substring(0, Math.min(160, body.length())));
            } catch (IOException e) {
                out.add(s.name() + ": no answer at " + base + " ("
                        + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return String.join("; ", out);
    }

    /** {@code NAME.NAMESPACE.pod} (the launcher's task name) → {@code NAMESPACE/NAME}. */
    static String podKey(String taskName) {
        if (taskName == null || !taskName.endsWith(".pod")) {
            return "?" + taskName;
        }
        String s = taskName.substring(0, taskName.length() - ".pod".length());
        int dot = s.lastIndexOf('.');
        return dot < 0 ? "?" + taskName : s.substring(dot + 1) + "/" + s.substring(0, dot);
    }

    private static void add(Map<String, List<String>> v, String invariant, String example) {
        v.computeIfAbsent(invariant, k -> new ArrayList<>()).add(example);
    }

    static List<Map<String, Object>> get(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Serialization.jsonMapper().readValue(r.body(), new TypeReference<List<Map<String, Object>>>() {});
    }

    static Map<String, Object> getObject(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Serialization.jsonMapper().readValue(r.body(), new TypeReference<Map<String, Object>>() {});
    }

    static void post(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("POST " + path + ": " + r.statusCode() + " " + r.body());
        }
    }
}
