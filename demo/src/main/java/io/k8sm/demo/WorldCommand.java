package io.k8sm.demo;

import io.k8sm.app.K8smCommand;
import io.k8sm.config.K8smConfig;
import io.k8sm.offeringest.OfferIngestConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code k8sm world}: the embedded world alone, in its own process, for services run as processes. */
@Command(
        name = "world",
        mixinStandardHelpOptions = true,
        description = {
            "Start the embedded world alone and keep it up until SIGTERM / Ctrl-C: a real single-node KRaft"
                    + " Kafka broker, the Confluent-compatible schema registry, a simulated Mesos master with agents and"
                    + " a Kubernetes API (fabric8 mock server with real bindings and API discovery, so kubectl works).",
            "Every address goes into one settings file; run each service against it as its own process:"
                    + " 'k8sm run scheduler --config FILE' (likewise offer-ingest, launcher, endpoint-controller), and"
                    + " 'kubectl --server URL get pods'."
        },
        footer = {"", "Example: k8sm world --agents 10 --dir .k8sm/world-data"})
public class WorldCommand implements Callable<Integer>, K8smCommand {

    @Option(
            names = "--agents",
            paramLabel = "N",
            defaultValue = "30",
            description = "Simulated Mesos agents, 8 cpus / 16 GiB each (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Data directory (the broker's in DIR/kafka), kept at exit so that the world restarts on the"
                    + " same data (default: a temporary one, deleted at exit).")
    Path dir;

    @Option(
            names = "--settings",
            paramLabel = "FILE",
            defaultValue = ".k8sm/world.properties",
            description = "Where to write the connection settings (default: ${DEFAULT-VALUE}).")
    Path settings;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Use this broker instead of starting one (k8sm chaos runs the broker as its own process).")
    String bootstrapServers;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "The simulator's seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (agents < 1) {
            throw new IllegalArgumentException("--agents must be at least 1");
        }
        PrintStream out = System.out;
        try (DemoShutdown shutdown = DemoShutdown.install();
                World world = World.start(new World.Options(agents, dir, settings, bootstrapServers, seed))) {
            var s = world.settings();
            out.printf("k8sm world: up%n");
            out.printf("  kafka       %s%n", s.get(K8smConfig.BOOTSTRAP_SERVERS));
            out.printf("  registry    %s%n", s.get(K8smConfig.SCHEMA_REGISTRY_URL));
            out.printf("  mesos       %s (%d simulated agents)%n", s.get(OfferIngestConfig.MASTER), agents);
            out.printf("  kubernetes  %s (kubectl --server %s get pods)%n", world.kubeUrl(), world.kubeUrl());
            out.printf("  control     %s (GET /tasks, /launches, /agents, /stats)%n", s.get(World.CONTROL_URL));
            out.printf("  settings    %s%n", settings.toAbsolutePath());
            out.printf("Run the services against it, each in its own terminal:%n");
            for (String service : new String[] {"scheduler", "offer-ingest", "launcher", "endpoint-controller"}) {
                out.printf("  ./k8sm run %s --config %s%n", service, settings);
            }
            out.printf("SIGTERM or Ctrl-C stops the world.%n");
            out.flush();
            shutdown.awaitStopRequest();
            out.println("k8sm world: stopping");
            return 0;
        }
    }
}
