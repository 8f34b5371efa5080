package io.k8sm.app.run;

import com.sun.net.httpserver.HttpHandler;
import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import io.k8sm.config.Secrets;
import io.k8sm.schemaregistry.RegistryClientConfig;
import io.k8sm.service.K8smService;
import io.k8sm.service.Reachability;
import io.k8sm.service.http.HttpSettings;
import io.k8sm.service.http.ServiceHttpServer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The one runner behind every {@code k8sm run SERVICE}: reads the settings (defaults, file, {@code
 * K8SM_*}, flags) into the service's configuration record, builds the service's front door, starts
 * it, keeps it running until SIGTERM or Ctrl-C, then closes it and whatever it was built on.
 *
 * <p>A subcommand says only what differs: its picocli annotations (name, description, own flags),
 * its configuration ({@code XxxConfig::definition}, {@code XxxConfig::from}) and how the service is
 * built. Exit codes: 0 after a clean stop, 1 when the service fails (also later: its {@code
 * isHealthy()} is polled and a service that turns unhealthy is closed) or does not close cleanly, 2 on
 * bad settings (a {@link ConfigException} or {@link IllegalArgumentException}, mapped by {@code
 * K8sm}).
 *
 * @param <C> the service's configuration record
 */
public abstract class RunService<C> implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            description = "Port of the service's HTTP server (/metrics, /healthz, /readyz; the scheduler's dashboard"
                    + " at /): the <component>.http.port key; 0 picks a free port, -1 serves nothing."
                    + " Example: --http-port 9500, then curl localhost:9500/readyz.")
    String httpPort;

    private final String name;
    private final String prefix;
    private final Supplier<ConfigDef> definition;
    private final Function<K8smConfig, C> config;
    private Map<String, String> values = Map.of();
    private K8smConfig merged;

    /**
     * @param prefix the component's key prefix ({@code scheduler.}): its {@code http.port} and {@code
     *     connect.timeout.ms} keys are added to its definition
     * @param httpPort the default of {@code <prefix>http.port}
     */
    protected RunService(
            String name, String prefix, int httpPort, Supplier<ConfigDef> definition, Function<K8smConfig, C> config) {
        this.name = name;
        this.prefix = prefix;
        this.definition = () -> HttpSettings.define(definition.get(), prefix, httpPort)
                .define(
                        prefix + CONNECT_TIMEOUT,
                        ConfigDef.Type.LONG,
                        30_000L,
                        ConfigDef.Range.atLeast(1),
                        ConfigDef.Importance.LOW,
                        "How long the service waits at start for its Kafka brokers and schema registry to answer"
                                + " before it exits with 1, naming the address.");
        this.config = config;
    }

    /** The key suffix of the start-up reachability timeout: {@code <prefix>connect.timeout.ms}. */
    public static final String CONNECT_TIMEOUT = "connect.timeout.ms";

    /** Routes the service's HTTP server serves beside /metrics, /healthz and /readyz (the scheduler's dashboard). */
    protected Map<String, HttpHandler> routes(K8smService service) {
        return Map.of();
    }

    /**
     * Settings given by this command's own flags (key → value, null when the flag is absent); they
     * win over every other source.
     */
    protected Map<String, String> flags() {
        return Map.of();
    }

    /**
     * Builds the service, not started yet. What it is built on and must outlive it (a Kubernetes
     * client) goes on {@code closeAfter}: closed after the service, last pushed first.
     */
    protected abstract K8smService create(C config, Deque<AutoCloseable> closeAfter) throws Exception;

    /**
     * A merged setting (file, {@code K8SM_*}, flags) that no configuration record declares, e.g.
     * {@code kube.master}; null when unset. Valid once the settings are read, in {@link #create}.
     */
    protected String setting(String key) {
        return values.get(key);
    }

    /**
     * Before the service is built: its brokers and registry must answer within {@code timeout}, else
     * the command exits with 1 and a message naming the address (instead of a service that says it runs
     * and retries for ever).
     */
    protected void checkReachable(K8smConfig settings, Duration timeout) {
        LOG.info(
                "{}: checking the Kafka brokers at {} and the schema registry at {}",
                name,
                settings.bootstrapServers(),
                Secrets.hideUrlPasswords(settings.schemaRegistryUrl())); // it may hold user:password@
        Reachability.requireBrokers(settings.kafkaProperties(), timeout);
        Reachability.requireRegistry(settings.schemaRegistryUrl(), timeout);
    }

    /** Called once the service has started (e.g. to exit when it fails). */
    protected void started(K8smService service) {}

    /** Called after the service and what it was built on are closed. */
    protected void stopped() {}

    @Override
    public final Integer call() throws Exception {
        C cfg = configuration();
        checkReachable(merged, Duration.ofMillis(merged.getLong(prefix + CONNECT_TIMEOUT)));
        int port = merged.getInt(HttpSettings.portKey(prefix));
        Deque<AutoCloseable> closeAfter = new ArrayDeque<>();
        K8smService service;
        try {
            K8smService created = create(cfg, closeAfter);
            service = created;
            try {
                if (port != HttpSettings.OFF) {
                    // before start(): /healthz and /readyz answer 503 while the service starts
                    closeAfter.push(ServiceHttpServer.start(name, port, () -> created, routes(created)));
                }
                service.start();
            } catch (RuntimeException | Error e) {
                service.close();
                throw e;
            }
        } catch (Exception | Error e) {
            closeAll(closeAfter);
            throw e;
        }
        started(service);
        return ServiceRunner.runUntilShutdown(
                name,
                () -> {
                    try {
                        service.close();
                    } finally {
                        closeAll(closeAfter);
                        stopped();
                    }
                },
                service::isHealthy);
    }

    /** The settings read and checked; an error names the key and where it was set. */
    C configuration() {
        Map<String, String> flags = new java.util.LinkedHashMap<>(flags());
        if (httpPort != null) {
            flags.put(HttpSettings.portKey(prefix), httpPort);
        }
        ConfigSources sources = connection.sources(System.getenv(), flags);
        merged = sources.build(v -> new K8smConfig(definition.get(), v));
        values = sources.values();
        try {
            C c = config.apply(merged);
            // the registry settings (URLs, credentials) too: a bad one is exit 2 here, before the reachability check
            RegistryClientConfig.from(merged.serdeConfig());
            return c;
        } catch (ConfigException e) {
            throw sources.withOrigin(e);
        }
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable c = resources.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
