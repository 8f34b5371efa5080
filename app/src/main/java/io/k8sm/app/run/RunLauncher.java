package io.k8sm.app.run;

import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.config.K8smConfig;
import io.k8sm.launcher.Launcher;
import io.k8sm.launcher.LauncherConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code k8sm run launcher}. */
@Command(
        name = "launcher",
        mixinStandardHelpOptions = true,
        description = {
            "Run the launcher: pods and nodes into Kafka, launch requests into Mesos ACCEPTs (exactly once),"
                    + " Bindings once Mesos reports the task on its agent, pod status, pod deletions and Nodes for agents.",
            "Settings: launcher.scheduler.name (k8sm), launcher.group.id (k8sm-launcher), launcher.instance.id (random),"
                    + " launcher.executor.command, launcher.bind.attempts (3), launcher.bind.backoff.ms (200),"
                    + " launcher.resync.seconds (300), launcher.poll.ms (500); give them with -D, a file or K8SM_LAUNCHER_*."
        })
public class RunLauncher implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    KubernetesOptions kubernetes;

    @Override
    public Integer call() throws Exception {
        LauncherConfig config = LauncherConfig.from(connection
                .sources(System.getenv())
                .build(values -> new K8smConfig(LauncherConfig.definition(), values)));
        return kubernetes.runUntilShutdown("launcher", client -> {
            Launcher launcher = new Launcher(client, config);
            launcher.start();
            return launcher;
        });
    }
}
