package io.k8sm.app.run;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine.Option;

/**
 * How a service finds the Kubernetes API: in a pod, the service account; elsewhere the kubeconfig
 * ({@code $KUBECONFIG} or {@code ~/.kube/config}), optionally a named context, or an explicit
 * master URL.
 */
public class KubernetesOptions {

    @Option(
            names = "--kube-context",
            paramLabel = "NAME",
            description = "kubeconfig context to use (default: the current one).")
    String context;

    @Option(
            names = "--kube-master",
            paramLabel = "URL",
            description = "Kubernetes API server URL (overrides the kubeconfig).")
    String master;

    /** A client built from those settings; the caller closes it. */
    public KubernetesClient client() {
        Config config = context == null ? Config.autoConfigure(null) : Config.autoConfigure(context);
        if (master != null) {
            config.setMasterUrl(master);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
