package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Index keys {@code namespace/label=value}. A pod is indexed under each of its labels; a service is
 * looked up under the smallest pair of its selector (any pod it selects carries that pair), so a
 * reconcile sees only the pods that share at least that label instead of the whole namespace.
 */
public final class LabelPairs {

    private LabelPairs() {}

    public static String key(String namespace, String label, String value) {
        return namespace + "/" + label + "=" + value;
    }

    /** Every key a pod is indexed under. */
    public static List<String> podKeys(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || labels.isEmpty()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(labels.size());
        String ns = pod.getMetadata().getNamespace();
        labels.forEach((k, v) -> keys.add(key(ns, k, v)));
        return keys;
    }

    /**
     * The key under which a service's candidate pods are found (the service must have a selector).
     */
    public static String serviceKey(Service service) {
        Map<String, String> selector = service.getSpec().getSelector();
        String first = null;
        for (String k : selector.keySet()) {
            if (first == null || k.compareTo(first) < 0) {
                first = k;
            }
        }
        return key(service.getMetadata().getNamespace(), first, selector.get(first));
    }
}
