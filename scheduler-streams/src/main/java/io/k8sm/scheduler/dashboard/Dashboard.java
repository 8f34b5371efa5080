package io.k8sm.scheduler.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.k8sm.deadletter.DeadLetterLog;
import io.k8sm.scheduler.topology.SchedulerService;
import io.k8sm.scheduler.topology.SchedulerView;
import io.k8sm.service.http.ServiceHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live dashboard the scheduler's HTTP server serves: the page at {@code /} (plain HTML, CSS and
 * JS from the jar, no CDN) and the JSON it polls every second at {@code /api/dashboard}: pods by
 * state, the pending queue with each pod's reason, agents with used and free cpu and memory, offers
 * held, launches per second and pod → Running latency per second over the last minutes, recent
 * scheduler events and dead letters. Everything is read from the scheduler's local stores and its
 * meters; nothing here writes.
 */
public final class Dashboard {

    /** The most pending pods the JSON lists (the counts cover all). */
    public static final int MAX_PENDING = 200;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css");

    private Dashboard() {}

    /** The routes to add to the scheduler's HTTP server. */
    public static Map<String, HttpHandler> routes(Supplier<SchedulerService> scheduler) {
        Map<String, HttpHandler> routes = new LinkedHashMap<>();
        routes.put("/", Dashboard::file);
        routes.put("/api/dashboard", exchange -> json(exchange, scheduler.get()));
        return routes;
    }

    /** The dashboard's data now, as the page receives it. */
    public static Map<String, Object> data(SchedulerService s) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (s == null) {
            d.put("state", "NOT_RUNNING");
            return d;
        }
        SchedulerView.Snapshot v = s.view().snapshot();
        d.put("state", s.state().name());
        d.put("takenAtMs", v.takenAtMs());
        d.put("pods", v.pods());
        d.put("queues", v.queues());
        d.put("pending", v.pending().size() > MAX_PENDING ? v.pending().subList(0, MAX_PENDING) : v.pending());
        d.put("pendingTotal", v.pending().size());
        d.put("agents", v.agents());
        d.put("offersHeld", v.offersHeld());
        d.put("launchRequests", s.observed().launchRequests());
        d.put("runningCount", s.observed().podToRunning().count());
        d.put("runningTotalSeconds", s.observed().podToRunning().totalTime(TimeUnit.SECONDS));
        d.put("history", s.observed().history());
        d.put("events", s.observed().recentEvents());
        d.put("deadLetters", DeadLetterLog.latest());
        d.put("deadLettersByTopic", DeadLetterLog.countsByTopic());
        return d;
    }

    private static void json(HttpExchange exchange, SchedulerService s) throws IOException {
        ServiceHttpServer.send(exchange, 200, "application/json; charset=utf-8", JSON.writeValueAsString(data(s)));
    }

    private static void file(HttpExchange exchange) throws IOException {
        String name = FILES.get(exchange.getRequestURI().getPath());
        InputStream in = name == null ? null : Dashboard.class.getResourceAsStream(name);
        if (in == null) {
            ServiceHttpServer.send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        String body;
        try (in) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String type = name.endsWith(".js")
                ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        ServiceHttpServer.send(exchange, 200, type, body);
    }
}
