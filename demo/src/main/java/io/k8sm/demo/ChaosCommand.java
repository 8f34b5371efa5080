package io.k8sm.demo;

import io.k8sm.app.K8smCommand;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code k8sm chaos}: a seeded fault schedule against the services as processes, then the invariants. */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description = {
            "Run the broker, 'k8sm world' and the four services as child JVMs, every service link (Kafka, registry,"
                    + " Mesos, Kubernetes) through a loopback proxy; submit pods (host ports, first launches that fail"
                    + " before binding, deletions, rescinds, a lost agent) while a schedule drawn from --seed kills -9"
                    + " and restarts services (at random and at the dangerous points), kills -9 and restarts the broker"
                    + " on its data directory, pauses services (SIGSTOP/SIGCONT) and cuts links. Then wait for quiet"
                    + " and check the invariants from the simulated master's and the Kubernetes API's own records and"
                    + " the topics.",
            "Prints one summary line with the seed; exit 0 when no invariant is broken, 1 otherwise.",
            "Example: k8sm chaos --seed 1 --pods 5000 --kills 200 --point-kills 20 --broker-restarts 10 --link-cuts 20 --duration 1500;"
                    + " k8sm chaos --seed 1 --recovery-kills 3 --pods 2000;"
                    + " k8sm chaos --recovery-kills 20 --targets scheduler --standbys scheduler --pods 2000"
        })
public class ChaosCommand implements Callable<Integer>, K8smCommand {

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--pods", paramLabel = "N", defaultValue = "2000", description = "Pods (default ${DEFAULT-VALUE}).")
    int pods;

    @Option(
            names = "--kills",
            paramLabel = "N",
            defaultValue = "20",
            description =
                    "Service kills -9 at random points, the first one per target (each restarted; half as many pauses)"
                            + " (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(
            names = "--broker-restarts",
            paramLabel = "N",
            defaultValue = "2",
            description = "Broker kills -9, each restarted on its data directory (default ${DEFAULT-VALUE}).")
    int brokerRestarts;

    @Option(
            names = "--link-cuts",
            paramLabel = "N",
            defaultValue = "8",
            description = "Cuts of a service link (Kafka, registry, Mesos, Kubernetes in turn; connections reset or"
                    + " blackholed for 1-8 s through a loopback proxy) (default ${DEFAULT-VALUE}).")
    int linkCuts;

    @Option(
            names = "--point-kills",
            paramLabel = "N",
            defaultValue = "8",
            description = "Kills -9 at the dangerous points, in turn: offer-ingest just after an ACCEPT and just after"
                    + " SUBSCRIBED, the launcher and the scheduler mid-transaction (default ${DEFAULT-VALUE}).")
    int pointKills;

    @Option(
            names = "--recovery-kills",
            paramLabel = "N",
            defaultValue = "0",
            description = "Instead of the schedule: kill -9 each target in turn N times while pods flow and print"
                    + " the seconds until pods flow again, median and max per service (default ${DEFAULT-VALUE}:"
                    + " the schedule).")
    int recoveryKills;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "How long the schedule runs (default ${DEFAULT-VALUE}).")
    int duration;

    @Option(
            names = "--settle",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "How long to wait for quiet (every invariant holding) afterwards (default ${DEFAULT-VALUE}).")
    int settle;

    @Option(
            names = "--targets",
            paramLabel = "SERVICE[,SERVICE...]",
            split = ",",
            description = "Services the schedule kills and pauses (default: all four).")
    List<String> targets = ChaosRun.SERVICES;

    @Option(
            names = "--standbys",
            paramLabel = "SERVICE[,SERVICE...]",
            split = ",",
            description = "Services run as two instances, the second a hot standby; with --recovery-kills a kill -9"
                    + " of the active instance is a failover, measured as such (default: none).")
    List<String> standbys = List.of();

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Run directory: data and one log per process, kept (default: a temporary one, deleted).")
    Path dir;

    @Option(
            names = "--app-home",
            paramLabel = "DIR",
            description = "The checkout whose app/target/k8sm-app.jar and app/target/lib the services run from"
                    + " (default: found from the working directory upward).")
    Path appHome;

    @Override
    public Integer call() throws Exception {
        if (pods < 1
                || kills < 0
                || brokerRestarts < 0
                || linkCuts < 0
                || pointKills < 0
                || recoveryKills < 0
                || duration < 1
                || !ChaosRun.SERVICES.containsAll(targets)
                || !ChaosRun.SERVICES.containsAll(standbys)) {
            throw new IllegalArgumentException("--pods and --duration must be at least 1, --kills, --broker-restarts,"
                    + " --link-cuts, --point-kills and --recovery-kills at least 0, --targets and --standbys among "
                    + ChaosRun.SERVICES);
        }
        Path runDir = dir != null ? dir : Files.createTempDirectory("k8sm-chaos");
        Files.createDirectories(runDir);
        String cp = System.getProperty("java.class.path");
        ChaosRun.Options o = new ChaosRun.Options(
                seed,
                pods,
                kills,
                brokerRestarts,
                linkCuts,
                pointKills,
                recoveryKills,
                Duration.ofSeconds(duration),
                Duration.ofSeconds(settle),
                targets,
                standbys,
                runDir,
                cp,
                appClasspath(appHome, cp));
        System.out.printf("k8sm chaos: seed %d, %d pods, run directory %s%n", seed, pods, runDir);
        boolean keepLogs = false;
        try {
            ChaosRun.Result r = new ChaosRun(o, System.out).run();
            System.out.println(r.summary());
            keepLogs = !r.violations().isEmpty();
            return keepLogs ? 1 : 0;
        } finally {
            if (dir == null && keepLogs) {
                // the services' logs tell what went wrong; the broker's and the stores' data are large
                for (String data : List.of("kafka", "scheduler-state", "tmp")) {
                    DemoShutdown.deleteRecursively(runDir.resolve(data));
                }
                System.out.println("k8sm chaos: the services' logs are kept in " + runDir);
            } else if (dir == null) {
                DemoShutdown.deleteRecursively(runDir);
            }
        }
    }

    /** The production distribution's class path (app jar + lib), else this JVM's. */
    static String appClasspath(Path home, String fallback) {
        Path d = home != null ? home.toAbsolutePath() : Path.of("").toAbsolutePath();
        for (; d != null; d = d.getParent()) {
            Path jar = d.resolve("app/target/k8sm-app.jar");
            if (Files.isRegularFile(jar) && Files.isDirectory(d.resolve("app/target/lib"))) {
                return jar + File.pathSeparator + d.resolve("app/target/lib") + File.separator + "*";
            }
            if (home != null) {
                break;
            }
        }
        return fallback;
    }
}
