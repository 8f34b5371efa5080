package io.k8sm.launcher.launch;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** The live pod in the Kubernetes API; throws on API errors (the caller retries). */
@FunctionalInterface
public interface PodLookup {
    Optional<Pod> find(String namespace, String name);

    /** A batch will look up these pods ({@code namespace/name}): a lookup may fetch them ahead. */
    default void prefetch(List<String> podKeys) {}

    /** The batch committed: what was looked up for it is forgotten. */
    default void batchCommitted() {}

    static PodLookup of(KubernetesClient client) {
        return (ns, name) ->
                Optional.ofNullable(client.pods().inNamespace(ns).withName(name).get());
    }
}
