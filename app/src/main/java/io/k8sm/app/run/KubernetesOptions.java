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

    /** A service that works through a Kubernetes client. */
    @FunctionalInterface
    public interface KubernetesService {
        AutoCloseable start(KubernetesClient client) throws Exception;
    }

    /**
     * Builds the client, starts the service on it, keeps it running until SIGTERM, then closes the
     * service and the client: the one lifecycle of every Kubernetes-facing {@code k8sm run} service.
     */
    public int runUntilShutdown(String name, KubernetesService service) throws Exception {
        KubernetesClient client = client();
        AutoCloseable running;
        try {
            running = service.start(client);
        } catch (Exception | Error e) {
            client.close();
            throw e;
        }
        return ServiceRunner.runUntilShutdown(name, () -> {
            try {
                running.close();
            } finally {
                client.close();
            }
        });
    }

    /** A client built from those settings; the caller closes it. */
    public KubernetesClient client() {
        Config config = context == null ? Config.autoConfigure(null) : Config.autoConfigure(context);
        if (master != null) {
            config.setMasterUrl(master);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
