package io.k8sm.demo;

import com.sun.net.httpserver.HttpHandler;
import io.k8sm.scheduler.dashboard.Dashboard;
import io.k8sm.service.K8smService;
import io.k8sm.service.http.HttpSettings;
import io.k8sm.service.http.ServiceHttpServer;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP servers of a {@link Pipeline}'s services, as {@code k8sm run} gives each service one:
 * {@code /metrics}, {@code /healthz}, {@code /readyz}, and the scheduler's dashboard at {@code /}.
 * Each follows its service across restarts. A service's default port ({@link HttpSettings}) is
 * taken when free, else any free port.
 */
public final class PipelineHttp implements AutoCloseable {

    private final Map<String, ServiceHttpServer> servers = new LinkedHashMap<>();

    private PipelineHttp() {}

    /** Starts the four servers; {@code preferDefaults} false: free ports only (tests). */
    public static PipelineHttp start(Pipeline p, boolean preferDefaults) {
        PipelineHttp h = new PipelineHttp();
        try {
            h.add("scheduler", HttpSettings.SCHEDULER, p::scheduler, Dashboard.routes(p::scheduler), preferDefaults);
            h.add("offer-ingest", HttpSettings.OFFER_INGEST, p::ingest, Map.of(), preferDefaults);
            h.add("launcher", HttpSettings.LAUNCHER, p::launcher, Map.of(), preferDefaults);
            h.add("endpoint-controller", HttpSettings.ENDPOINT_CONTROLLER, p::endpoints, Map.of(), preferDefaults);
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    private void add(
            String name,
            int port,
            Supplier<? extends K8smService> service,
            Map<String, HttpHandler> routes,
            boolean preferDefault) {
        ServiceHttpServer s;
        try {
            s = ServiceHttpServer.start(name, preferDefault ? port : 0, service, routes);
        } catch (UncheckedIOException busy) {
            s = ServiceHttpServer.start(name, 0, service, routes);
        }
        servers.put(name, s);
    }

    /** {@code http://localhost:PORT/} of a service's server. */
    public URI uri(String service) {
        return servers.get(service).uri();
    }

    /** One line per service: its URLs. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        servers.forEach((name, s) -> lines.add(String.format(
                "  %-20s %smetrics  %shealthz  %sreadyz%s",
                name, s.uri(), s.uri(), s.uri(), name.equals("scheduler") ? "  dashboard " + s.uri() : "")));
        return lines;
    }

    @Override
    public void close() {
        servers.values().forEach(ServiceHttpServer::close);
        servers.clear();
    }
}
