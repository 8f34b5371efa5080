package io.k8sm.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.k8sm.sandbox.mesos.MesosMasterSimulator;
import io.k8sm.sandbox.mesos.SimulatedLaunch;
import io.k8sm.sandbox.mesos.SimulatedTask;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The world's control endpoint on loopback, for a harness in another process ({@code k8sm chaos}):
 * the simulated master's own records as JSON and the faults it can inject.
 *
 * <pre>
 * GET  /tasks              [{"taskId","agentId","state","reason"}]   every task, latest state
 * GET  /launches?from=N    [{"seq","taskId","agentId","taskName"}]   every launch, in order (from index N)
 * GET  /calls?from=N       [{"seq","type"[,"taskId","uuid"]}]        every executed call from index N (an
 *                          ACKNOWLEDGE with its task id and base64 uuid)
 * GET  /offers             [{"offerId","offeredAtMillis"}]           offers outstanding with the framework
 * GET  /agents             [{"id","hostname"}]                        agents not removed
 * GET  /stats              {"launched","subscriptions","connected","frameworkId","failedOnPurpose"}
 * POST /lose-agent?id=ID   the agent is removed (its tasks LOST)
 * POST /rescind-all        every outstanding offer rescinded
 * POST /fail-first-launch?prefix=P  from now on, the first launch of each pod named P* fails while staging
 * </pre>
 */
final class WorldControl implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorldControl.class);

    private final MesosMasterSimulator mesos;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(2, d("k8sm-world-control"));
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(d("k8sm-world-flaky"));
    private final Set<String> failedOnPurpose = ConcurrentHashMap.newKeySet();
    private volatile String flakyPrefix;
    private int seen;

    private WorldControl(MesosMasterSimulator mesos, HttpServer server) {
        this.mesos = mesos;
        this.server = server;
    }

    static WorldControl start(MesosMasterSimulator mesos) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        WorldControl c = new WorldControl(mesos, server);
        server.setExecutor(c.handlers);
        server.createContext("/", c::handle);
        server.start();
        c.watcher.scheduleWithFixedDelay(c::failFlakyLaunches, 50, 50, TimeUnit.MILLISECONDS);
        return c;
    }

    String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            URI uri = ex.getRequestURI();
            Map<String, String> q = query(uri.getRawQuery());
            String get = ex.getRequestMethod().equals("GET") ? uri.getPath() : "";
            String post = ex.getRequestMethod().equals("POST") ? uri.getPath() : "";
            Object body;
            if (get.equals("/tasks")) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (SimulatedTask t : mesos.tasks().values()) {
                    out.add(Map.of(
                            "taskId", t.taskId(),
                            "agentId", t.agentId(),
                            "state", t.state().name(),
                            "reason", t.reason() == null ? "" : t.reason().name()));
                }
                body = out;
            } else if (get.equals("/launches")) {
                List<SimulatedLaunch> all = mesos.launchHistory();
                body = all.subList(Math.min(all.size(), from(q)), all.size());
            } else if (get.equals("/calls")) {
                body = calls(from(q));
            } else if (get.equals("/offers")) {
                List<Map<String, Object>> out = new ArrayList<>();
                mesos.outstandingOfferTimes()
                        .forEach((id, at) -> out.add(Map.of("offerId", id, "offeredAtMillis", at)));
                body = out;
            } else if (get.equals("/agents")) {
                body = mesos.agents().stream()
                        .map(a -> Map.of("id", a.id(), "hostname", a.hostname()))
                        .toList();
            } else if (get.equals("/stats")) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("launched", mesos.launchedCount());
                s.put("subscriptions", mesos.subscriptionCount());
                s.put("connected", mesos.connected());
                s.put("frameworkId", mesos.frameworkId().orElse(""));
                s.put("failedOnPurpose", failedOnPurpose.size());
                body = s;
            } else if (post.equals("/lose-agent") && q.containsKey("id")) {
                mesos.loseAgent(q.get("id"));
                body = Map.of("lost", q.get("id"));
            } else if (post.equals("/rescind-all")) {
                mesos.rescindAll();
                body = Map.of("rescinded", true);
            } else if (post.equals("/fail-first-launch") && q.containsKey("prefix")) {
                flakyPrefix = q.get("prefix");
                body = Map.of("prefix", flakyPrefix);
            } else {
                send(ex, 404, Map.of("error", "no such control route: " + ex.getRequestMethod() + " " + uri));
                return;
            }
            send(ex, 200, body);
        } catch (RuntimeException e) {
            LOG.warn("control request {} failed", ex.getRequestURI(), e);
            send(ex, 500, Map.of("error", String.valueOf(e)));
        }
    }

    private static int from(Map<String, String> q) {
        return Math.max(0, Integer.parseInt(q.getOrDefault("from", "0")));
    }

    private List<Map<String, Object>> calls(int from) {
        List<Map<String, Object>> out = new ArrayList<>();
        int seq = from;
        for (Call c : mesos.executedCallsFrom(from)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seq", seq++);
            e.put("type", c.getType().name());
            if (c.hasAcknowledge()) {
                e.put("taskId", c.getAcknowledge().getTaskId().getValue());
                e.put(
                        "uuid",
                        Base64.getEncoder()
                                .encodeToString(c.getAcknowledge().getUuid().toByteArray()));
            }
            out.add(e);
        }
        return out;
    }

    /** The first launch of each flaky pod fails on its agent before it is bound (TASK_FAILED while staging). */
    private void failFlakyLaunches() {
        String prefix = flakyPrefix;
        if (prefix == null) {
            return;
        }
        try {
            List<SimulatedLaunch> launches = mesos.launchHistory();
            List<SimulatedLaunch> fresh = launches.subList(Math.min(seen, launches.size()), launches.size());
            seen = launches.size();
            Map<String, SimulatedTask> tasks = fresh.isEmpty() ? Map.of() : mesos.tasks();
            for (SimulatedLaunch l : fresh) {
                String pod = l.taskName().split("\\.", 2)[0];
                SimulatedTask t = tasks.get(l.taskId());
                if (pod.startsWith(prefix)
                        && t != null
                        && t.state() == TaskState.TASK_STAGING
                        && failedOnPurpose.add(pod)) {
                    mesos.failTask(l.taskId(), TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("failing flaky launches failed", e);
        }
    }

    private static void send(HttpExchange ex, int code, Object body) throws IOException {
        byte[] bytes = Serialization.asJson(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0) {
                    q.put(kv.substring(0, i), java.net.URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static java.util.concurrent.ThreadFactory d(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        server.stop(0);
        handlers.shutdownNow();
    }
}
