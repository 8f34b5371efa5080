package io.k8sm.app.run;

import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import io.k8sm.service.K8smService;
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

    private final String name;
    private final Supplier<ConfigDef> definition;
    private final Function<K8smConfig, C> config;
    private Map<String, String> values = Map.of();

    protected RunService(String name, Supplier<ConfigDef> definition, Function<K8smConfig, C> config) {
        this.name = name;
        this.definition = definition;
        this.config = config;
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

    /** Called once the service has started (e.g. to exit when it fails). */
    protected void started(K8smService service) {}

    /** Called after the service and what it was built on are closed. */
    protected void stopped() {}

    @Override
    public final Integer call() throws Exception {
        C cfg = configuration();
        Deque<AutoCloseable> closeAfter = new ArrayDeque<>();
        K8smService service;
        try {
            service = create(cfg, closeAfter);
            try {
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
        ConfigSources sources = connection.sources(System.getenv(), flags());
        K8smConfig merged = sources.build(v -> new K8smConfig(definition.get(), v));
        values = sources.values();
        try {
            return config.apply(merged);
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
