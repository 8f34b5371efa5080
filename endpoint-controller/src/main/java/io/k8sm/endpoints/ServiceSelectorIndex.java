package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * From a pod's labels to the services that select it, without scanning every service: each service
 * is filed under one pair of its selector ({@link LabelPairs#serviceKey}); a pod looks up each of
 * its own pairs and keeps the services whose whole selector it matches. Thread-safe.
 */
public final class ServiceSelectorIndex {

    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, Set<String>> byPair = new HashMap<>();

    /** Files (or re-files) a service; one without a selector is removed instead. */
    public synchronized void put(Service service) {
        String key = key(service);
        remove(key);
        if (!EndpointsReconciler.manages(service)) {
            return;
        }
        services.put(key, service);
        byPair.computeIfAbsent(LabelPairs.serviceKey(service), k -> new HashSet<>())
                .add(key);
    }

    public synchronized void remove(String serviceKey) {
        Service old = services.remove(serviceKey);
        if (old != null) {
            String pair = LabelPairs.serviceKey(old);
            Set<String> set = byPair.get(pair);
            set.remove(serviceKey);
            if (set.isEmpty()) {
                byPair.remove(pair);
            }
        }
    }

    /** Keys ({@code namespace/name}) of the services whose selector picks this pod. */
    public synchronized Set<String> servicesFor(Pod pod) {
        List<String> pairs = LabelPairs.podKeys(pod);
        if (pairs.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (String pair : pairs) {
            Set<String> candidates = byPair.get(pair);
            if (candidates == null) {
                continue;
            }
            for (String key : candidates) {
                if (EndpointsReconciler.selects(services.get(key), pod)) {
                    out.add(key);
                }
            }
        }
        return out;
    }

    public synchronized int size() {
        return services.size();
    }

    static String key(Service s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }
}
