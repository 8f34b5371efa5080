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

    /** The setting ({@code --config} file, {@code K8SM_KUBE_MASTER}) {@code --kube-master} overrides. */
    public static final String MASTER_SETTING = "kube.master";

    @Option(
            names = "--kube-context",
            paramLabel = "NAME",
            description = "kubeconfig context to use (default: the current one).")
    String context;

    @Option(
            names = "--kube-master",
            paramLabel = "URL",
            description = "Kubernetes API server URL (overrides the kubeconfig and the kube.master setting).")
    String master;

    /** A client built from those settings; the caller closes it. */
    public KubernetesClient client() {
        return client(null);
    }

    /**
     * A client built from those settings, {@code --kube-master} winning over {@code masterSetting}
     * (the {@code kube.master} setting, e.g. from the file {@code k8sm world} writes; null if unset).
     */
    public KubernetesClient client(String masterSetting) {
        Config config = context == null ? Config.autoConfigure(null) : Config.autoConfigure(context);
        String url = master != null ? master : masterSetting;
        if (url != null && !url.isBlank()) {
            config.setMasterUrl(url);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
