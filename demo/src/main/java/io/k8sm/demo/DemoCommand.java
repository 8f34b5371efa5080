package io.k8sm.demo;

import io.k8sm.app.K8smCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code k8sm demo}: the whole system in one process, on an embedded world. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole pipeline on an embedded world: a real single-node KRaft Kafka broker, a"
                    + " Confluent-compatible schema registry, a Kubernetes API (fabric8 mock server with real bindings), a"
                    + " simulated Mesos master with agents, and every k8sm service (scheduler, offer-ingest, launcher,"
                    + " endpoint-controller). It submits pods — some with host ports, some failing on purpose — shows"
                    + " progress, and ends with a summary.",
            "The world's settings are written to --settings-file so that 'k8sm tap --config FILE TOPIC' in"
                    + " another terminal watches it (use --stay to keep it up after the summary)."
        },
        footer = {"", "Example: k8sm demo --pods 1000 --agents 100 --stay"})
public class DemoCommand implements Callable<Integer>, K8smCommand {

    @Option(
            names = "--pods",
            paramLabel = "N",
            defaultValue = "300",
            description = "Pods to submit (default ${DEFAULT-VALUE}).")
    int pods;

    @Option(
            names = "--agents",
            paramLabel = "N",
            defaultValue = "30",
            description = "Simulated Mesos agents, 8 cpus / 16 GiB each (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(
            names = "--flaky",
            paramLabel = "N",
            defaultValue = "10",
            description = "Pods whose first launch fails on the agent before binding; they must be rescheduled"
                    + " (default ${DEFAULT-VALUE}).")
    int flaky;

    @Option(
            names = "--unschedulable",
            paramLabel = "N",
            defaultValue = "3",
            description = "Pods too big for any agent; they must report FailedScheduling (default ${DEFAULT-VALUE}).")
    int huge;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "180",
            description = "Give up waiting for the pods after this long (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Broker data directory (default: a temporary one, deleted at exit).")
    Path dataDir;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Broker port (default: a free one).")
    int kafkaPort;

    @Option(
            names = "--registry-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Schema registry port (default: a free one).")
    int registryPort;

    @Option(
            names = "--settings-file",
            paramLabel = "FILE",
            defaultValue = ".k8sm/demo.properties",
            description = "Where to write the world's connection settings (default: ${DEFAULT-VALUE}).")
    Path settingsFile;

    @Option(names = "--stay", description = "Keep the world running after the summary, until Ctrl-C.")
    boolean stay;

    @Override
    public Integer call() throws Exception {
        if (pods < 1 || agents < 1 || flaky < 0 || huge < 0 || flaky > pods) {
            throw new IllegalArgumentException("--pods and --agents must be at least 1, --flaky and --unschedulable"
                    + " at least 0, and --flaky at most --pods");
        }
        PrintStream out = System.out;
        long t0 = System.nanoTime();
        out.println("k8sm demo: starting the embedded world ...");
        // closed last: after the world, so that a SIGTERM waits for it and the state dir goes with it
        try (DemoShutdown shutdown = DemoShutdown.install();
                DemoWorld world = DemoWorld.start(dataDir, kafkaPort, registryPort, settingsFile);
                Pipeline pipeline = Pipeline.create(
                                world,
                                Pipeline.Options.defaults(shutdown.stateDir()).withAgents(agents))
                        .startAll();
                DemoRun run = new DemoRun(pipeline, out)) {
            out.printf(
                    "  kafka       %s (KRaft, single node, ready in %d ms)%n",
                    world.config().bootstrapServers(), world.kafka().startTime().toMillis());
            out.printf("  registry    %s (Confluent REST API; schemas in topic _schemas)%n", world.registryUrl());
            out.printf(
                    "  kubernetes  %s (fabric8 mock server, CRUD, real bindings)%n",
                    pipeline.kubernetes().getMasterUrl());
            out.printf(
                    "  mesos       %s (%d simulated agents)%n", pipeline.mesos().schedulerUri(), agents);
            out.printf("  services    scheduler, offer-ingest, launcher, endpoint-controller%n");
            out.printf("  settings    %s%n%n", world.configFile());
            DemoRun.Summary s = run.run(pods, flaky, huge, Duration.ofSeconds(timeoutSeconds), shutdown::stopRequested);
            out.println();
            out.printf("Summary after %.1f s:%n", (System.nanoTime() - t0) / 1e9);
            out.printf("  submitted      %d pods (+1 corrupt record)%n", s.submitted());
            out.printf("  scheduled      %d%n", s.scheduled());
            out.printf("  running        %d of %d schedulable%n", s.running(), pods);
            out.printf(
                    "  rescheduled    %d (first launch failed before binding on purpose: %d)%n",
                    s.rescheduled(), s.failedOnPurpose());
            out.printf("  unschedulable  %d (FailedScheduling, as intended: %d)%n", s.unschedulable(), huge);
            out.printf("  pod → running  p50 %d ms, p99 %d ms%n", s.p50Millis(), s.p99Millis());
            out.printf("  per hop        p50/p99 from the hop before, %s%n", s.hops());
            out.printf("  endpoints      %d host-port endpoints in the services' EndpointSlices%n", s.endpointSlices());
            out.printf("  dead letters   %d%n", s.deadLetters());
            String cfg = world.configFile().toString();
            out.println();
            out.println("The story of any pod, from another terminal while the world is up (--stay):");
            out.println("  ./k8sm tap --config " + cfg + " scheduler-events --from-beginning --key default/flaky-0");
            out.println("  ./k8sm tap --config " + cfg + " task-registry --from-beginning");
            out.println("  ./k8sm tap --config " + cfg + " mesos-calls --from-beginning --limit 5");
            out.println("  ./k8sm tap --config " + cfg + " dead-letters --from-beginning");
            if (stay && !shutdown.stopRequested()) {
                out.println();
                out.println("The world stays up; Ctrl-C stops it.");
                out.flush();
                shutdown.awaitStopRequest();
            }
            return s.complete() ? 0 : 1;
        }
    }
}
