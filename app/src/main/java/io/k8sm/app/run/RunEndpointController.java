package io.k8sm.app.run;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8sm.endpoints.EndpointControllerConfig;
import io.k8sm.endpoints.EndpointControllerService;
import io.k8sm.service.K8smService;
import io.k8sm.service.http.HttpSettings;
import java.util.Deque;
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
                    + " endpoints.namespace (all), endpoints.workers (2); give them with -D, a file or K8SM_ENDPOINTS_*.",
            "Only the holder of the Lease endpoints.lease.name (k8sm-endpoint-controller) writes; other instances"
                    + " stand by with synced caches. endpoints.lease.identity (<hostname>-<pid>), endpoints.lease.namespace"
                    + " (endpoints.namespace, else the client's), endpoints.lease.duration.ms (3000),"
                    + " endpoints.lease.renew.deadline.ms (2000), endpoints.lease.retry.period.ms (500)."
        })
public class RunEndpointController extends RunService<EndpointControllerConfig> {

    @Mixin
    KubernetesOptions kubernetes;

    public RunEndpointController() {
        super(
                "endpoint-controller",
                "endpoints.",
                HttpSettings.ENDPOINT_CONTROLLER,
                EndpointControllerConfig::definition,
                EndpointControllerConfig::from);
    }

    @Override
    protected K8smService create(EndpointControllerConfig config, Deque<AutoCloseable> closeAfter) {
        KubernetesClient client = kubernetes.client(setting(KubernetesOptions.MASTER_SETTING));
        closeAfter.push(client);
        return new EndpointControllerService(client, config);
    }
}
