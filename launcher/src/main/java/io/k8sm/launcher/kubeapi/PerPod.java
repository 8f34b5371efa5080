package io.k8sm.launcher.kubeapi;

import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Groups of records (one pod's each) handled as {@link PerRecord} does, each group in order and the
 * groups in parallel, at most {@code concurrency} at once: the Kubernetes API calls of different
 * pods overlap. The outputs come back in group order, whatever the threads did, so a batch writes
 * the same records; a transient error in any group ({@link TransactionalLoop.RetryLater}) is thrown
 * once every group has stopped, so nothing of the batch is still running when it is read again.
 */
public final class PerPod {

    /** What is done with one record of a group; it may add output records to {@code outputs}. */
    @FunctionalInterface
    public interface Work {
        void apply(ConsumerRecord<String, byte[]> raw, List<ProducerRecord<String, byte[]>> outputs)
                throws TransactionalLoop.RetryLater;
    }

    private final Outputs out;
    private final int concurrency;
    private final ThreadPoolExecutor pool;

    public PerPod(Outputs out, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        this.out = out;
        this.concurrency = concurrency;
        this.pool = threads("k8sm-bridge-pod", concurrency);
    }

    /** At most {@code n} daemon threads for API calls; idle ones end, so there is nothing to shut down. */
    public static ThreadPoolExecutor threads(String name, int n) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Runs every group; their outputs (dead letters included) in group order. */
    public List<ProducerRecord<String, byte[]>> run(List<List<ConsumerRecord<String, byte[]>>> groups, Work work)
            throws TransactionalLoop.RetryLater {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        if (concurrency == 1 || groups.size() <= 1) {
            for (List<ConsumerRecord<String, byte[]>> g : groups) {
                PerRecord.each(g, out, records, raw -> work.apply(raw, records));
            }
            return records;
        }
        List<Future<List<ProducerRecord<String, byte[]>>>> futures = new ArrayList<>(groups.size());
        for (List<ConsumerRecord<String, byte[]>> g : groups) {
            futures.add(pool.submit(() -> {
                List<ProducerRecord<String, byte[]>> own = new ArrayList<>();
                PerRecord.each(g, out, own, raw -> work.apply(raw, own));
                return own;
            }));
        }
        TransactionalLoop.RetryLater retry = null;
        RuntimeException failure = null;
        for (Future<List<ProducerRecord<String, byte[]>>> f : futures) {
            try {
                records.addAll(f.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TransactionalLoop.RetryLater r) {
                    retry = retry == null ? r : retry;
                } else if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new TransactionalLoop.RetryLater("interrupted while the bridge worked on a batch", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (retry != null) {
            throw retry;
        }
        return records;
    }
}
