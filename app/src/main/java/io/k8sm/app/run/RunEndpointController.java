package io.k8sm.app.run;

import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.config.K8smConfig;
import io.k8sm.endpoints.EndpointController;
import io.k8sm.endpoints.EndpointsConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code k8sm run endpoint-controller}. */
@Command(
        name = "endpoint-controller",
        mixinStandardHelpOptions = true,
        description = {
            "Keep Endpoints and EndpointSlices of every service with a selector pointing at its pods'"
                    + " host IPs and mapped Mesos host ports.",
            "Settings: endpoints.mode=hostport|vanilla (default hostport), endpoints.resync.seconds (300),"
                    + " endpoints.namespace (all), endpoints.workers (2); give them with -D, a file or K8SM_ENDPOINTS_*."
        })
public class RunEndpointController implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    KubernetesOptions kubernetes;

    @Override
    public Integer call() throws Exception {
        EndpointsConfig config = EndpointsConfig.from(connection
                .sources(System.getenv())
                .build(values -> new K8smConfig(EndpointsConfig.definition(), values)));
        return kubernetes.runUntilShutdown("endpoint-controller", client -> {
            EndpointController controller = new EndpointController(client, config);
            controller.start();
            return controller;
        });
    }
}
