package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Service;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people about problems found by a reconcile: a WARN log line and a Warning Event on the
 * service, once per distinct problem. A problem that persists across reconciles is not told again;
 * one that goes away and comes back (or changes: another pod, another bad value) is.
 */
final class ProblemReporter {

    private static final Logger log = LoggerFactory.getLogger(ProblemReporter.class);

    /** Where Events go. */
    interface Sink {
        void warn(Service service, Problem problem);
    }

    private final Sink sink;
    private final Map<String, Set<String>> told = new ConcurrentHashMap<>();

    ProblemReporter(Sink sink) {
        this.sink = sink;
    }

    /** Reports the new problems of a service; returns how many Events were written. */
    int report(Service service, List<Problem> problems) {
        String key = ServiceSelectorIndex.key(service);
        Set<String> before = told.getOrDefault(key, Set.of());
        Set<String> now = new HashSet<>();
        int events = 0;
        for (Problem p : problems) {
            String id = p.identity();
            now.add(id);
            if (before.contains(id)) {
                log.debug("service {}: still {} for pod {} port {}", key, p.reason(), p.pod(), p.servicePort());
                continue;
            }
            log.warn("service {}: {} for pod {} port {}: {}", key, p.reason(), p.pod(), p.servicePort(), p.message());
            try {
                sink.warn(service, p);
                events++;
            } catch (RuntimeException e) {
                now.remove(id); // tell again on the next reconcile
                log.warn("service {}: could not write Event {} for pod {}: {}", key, p.reason(), p.pod(), e.toString());
            }
        }
        if (now.isEmpty()) {
            told.remove(key);
        } else {
            told.put(key, Set.copyOf(now));
        }
        return events;
    }

    void forget(String serviceKey) {
        told.remove(serviceKey);
    }
}
