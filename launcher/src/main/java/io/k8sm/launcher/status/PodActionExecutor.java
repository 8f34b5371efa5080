package io.k8sm.launcher.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.PodActionType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code pod-actions}: DELETE with the requested grace period (the scheduler asks for
 * 0).
 */
public final class PodActionExecutor {
    private static final Logger log = LoggerFactory.getLogger(PodActionExecutor.class);
    private final KubernetesClient client;

    public PodActionExecutor(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Throws KubernetesClientException on API errors: the caller retries the batch on a transient
     * one and dead-letters this action on a permanent one ({@code ApiErrors}).
     */
    public void apply(PodAction action) {
        if (action.getAction() != PodActionType.DELETE) {
            log.warn("unknown pod action {} for {} ignored", action.getAction(), action.getPodKey());
            return;
        }
        String[] key = action.getPodKey().split("/", 2);
        if (key.length != 2) {
            throw new IllegalArgumentException("pod key '" + action.getPodKey() + "' is not namespace/name");
        }
        var resource = client.pods().inNamespace(key[0]).withName(key[1]);
        Pod pod = resource.get();
        if (pod == null) {
            log.info("pod {} already gone; DELETE ({}) done", action.getPodKey(), action.getReason());
            return;
        }
        if (action.getUid() != null
                && !action.getUid().isBlank()
                && !action.getUid().equals(pod.getMetadata().getUid())) {
            log.info(
                    "pod {} is another pod now (uid {}, action for {}); not deleted",
                    action.getPodKey(),
                    pod.getMetadata().getUid(),
                    action.getUid());
            return;
        }
        long grace = action.getGracePeriodSeconds() == null ? 0 : action.getGracePeriodSeconds();
        resource.withGracePeriod(grace).delete();
        log.info("pod {} deleted with grace {} s: {}", action.getPodKey(), grace, action.getReason());
    }
}
