package io.k8sm.launcher.launch;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/** The live pod in the Kubernetes API; throws on API errors (the caller retries). */
@FunctionalInterface
public interface PodLookup {
    Optional<Pod> find(String namespace, String name);

    static PodLookup of(KubernetesClient client) {
        return (ns, name) ->
                Optional.ofNullable(client.pods().inNamespace(ns).withName(name).get());
    }
}
