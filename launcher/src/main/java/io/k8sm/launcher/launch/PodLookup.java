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

    /**
     * The pod as the pod informer has it, else (not there yet, or gone) as the API says: a launch
     * request's pod is almost always in the informer, which put it on {@code pods} in the first
     * place, so a batch of thousands costs no API call; only a pod the informer does not hold is
     * asked for, so a deletion is confirmed by the API.
     */
    static PodLookup informerFirst(java.util.function.BiFunction<String, String, Pod> cached, PodLookup api) {
        return (ns, name) -> {
            Pod pod = cached.apply(ns, name);
            return pod != null ? Optional.of(pod) : api.find(ns, name);
        };
    }

    static PodLookup of(KubernetesClient client) {
        return (ns, name) ->
                Optional.ofNullable(client.pods().inNamespace(ns).withName(name).get());
    }
}
