package io.k8sm.launcher.launch;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8sm.launcher.kubeapi.PerPod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launch loop's pod lookups for one batch: fetched in parallel, at most {@code concurrency} at
 * once, before the batch is prepared, and kept while the batch is retried, so that a batch of
 * thousands of launch requests makes progress through an API that keeps failing: each attempt
 * fetches only what the attempts before it did not get. (Before, one transient error among 2,500
 * lookups made one by one discarded them all, and a long chaos run's launches stalled for minutes.)
 * What a committed batch looked up is forgotten; a lookup older than {@code maxAgeNanos} is made
 * again.
 */
public final class BatchPodLookup implements PodLookup {
    private static final Logger log = LoggerFactory.getLogger(BatchPodLookup.class);

    private record Fetched(Optional<Pod> pod, long at) {}

    private final PodLookup api;
    private final ExecutorService pool;
    private final LongSupplier nanos;
    private final long maxAgeNanos;
    private final Map<String, Fetched> fetched = new ConcurrentHashMap<>();

    public BatchPodLookup(PodLookup api, int concurrency, LongSupplier nanos, long maxAgeNanos) {
        this.api = api;
        this.pool = PerPod.threads("k8sm-launch-lookup", concurrency);
        this.nanos = nanos;
        this.maxAgeNanos = maxAgeNanos;
    }

    @Override
    public Optional<Pod> find(String namespace, String name) {
        String key = namespace + "/" + name;
        Fetched f = fetched.get(key);
        if (f != null && nanos.getAsLong() - f.at() <= maxAgeNanos) {
            return f.pod();
        }
        Optional<Pod> pod = api.find(namespace, name);
        fetched.put(key, new Fetched(pod, nanos.getAsLong()));
        return pod;
    }

    /** Fetches the pods not fetched yet, in parallel; a failed fetch is left to {@link #find}. */
    @Override
    public void prefetch(List<String> podKeys) {
        List<Future<?>> futures = new ArrayList<>();
        for (String key : podKeys.stream().distinct().toList()) {
            Fetched f = fetched.get(key);
            if (f != null && nanos.getAsLong() - f.at() <= maxAgeNanos) {
                continue;
            }
            int slash = key.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            futures.add(pool.submit(() -> find(key.substring(0, slash), key.substring(slash + 1))));
        }
        int failed = 0;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failed++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (failed > 0) {
            log.debug("{} of {} pod lookups failed ahead of the batch; they are tried again", failed, futures.size());
        }
    }

    @Override
    public void batchCommitted() {
        fetched.clear();
    }
}
