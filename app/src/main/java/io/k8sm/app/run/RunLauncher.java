package io.k8sm.app.run;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8sm.launcher.LauncherConfig;
import io.k8sm.launcher.LauncherService;
import io.k8sm.service.K8smService;
import io.k8sm.service.http.HttpSettings;
import java.util.Deque;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code k8sm run launcher}. */
@Command(
        name = "launcher",
        mixinStandardHelpOptions = true,
        description = {
            "Run the launcher: pods and nodes into Kafka, launch requests into Mesos ACCEPTs (exactly once),"
                    + " Bindings once Mesos reports the task on its agent, pod status, pod deletions and Nodes for agents.",
            "Settings: launcher.scheduler.name (k8sm), launcher.group.id (k8sm-launcher), launcher.instance.id ($HOSTNAME or the host name),"
                    + " launcher.executor.command, launcher.bind.attempts (3), launcher.bind.backoff.ms (200), launcher.bridge.concurrency (8),"
                    + " launcher.resync.seconds (300), launcher.poll.ms (500), launcher.transaction.timeout.ms (15000); give them with -D, a file or K8SM_LAUNCHER_*."
        })
public class RunLauncher extends RunService<LauncherConfig> {

    @Mixin
    KubernetesOptions kubernetes;

    public RunLauncher() {
        super("launcher", "launcher.", HttpSettings.LAUNCHER, LauncherConfig::definition, LauncherConfig::from);
    }

    @Override
    protected K8smService create(LauncherConfig config, Deque<AutoCloseable> closeAfter) {
        KubernetesClient client = kubernetes.client(setting(KubernetesOptions.MASTER_SETTING));
        closeAfter.push(client);
        return new LauncherService(client, config);
    }
}
