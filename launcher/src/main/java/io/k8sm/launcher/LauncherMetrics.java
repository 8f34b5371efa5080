package io.k8sm.launcher;

import io.k8sm.avro.LauncherEvent;
import io.k8sm.launcher.kafka.Codec;
import io.k8sm.launcher.kafka.TransactionalLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The launcher's own meters, counted from what its loops read and what their committed transactions
 * wrote (an aborted batch counts nothing): launch requests read, launches (LAUNCHED / LAUNCH_REJECTED),
 * bindings (BOUND / BIND_FAILED) and the time from a task's launch to its binding, status updates
 * read, batches per loop.
 */
final class LauncherMetrics {
    private static final int MAX_TRACKED = 100_000;

    private final MeterRegistry registry;
    private final Codec codec;
    private final String launcherEvents;
    private final String launchRequests;
    private final String taskStatus;
    private final LongSupplier nanos;
    private final Map<String, Long> launchedAt = new ConcurrentHashMap<>();
    private final Timer bindLatency;

    LauncherMetrics(
            MeterRegistry registry,
            Codec codec,
            String launcherEvents,
            String launchRequests,
            String taskStatus,
            LongSupplier nanos) {
        this.registry = registry;
        this.codec = codec;
        this.launcherEvents = launcherEvents;
        this.launchRequests = launchRequests;
        this.taskStatus = taskStatus;
        this.nanos = nanos;
        this.bindLatency = Timer.builder("k8sm.launcher.bind.duration")
                .description("From a task's launch (LAUNCHED committed) to its Binding (BOUND committed)")
                .publishPercentileHistogram()
                .register(registry);
        for (String r : List.of("launched", "rejected")) {
            counter("k8sm.launcher.launches", "result", r);
        }
        for (String r : List.of("bound", "failed")) {
            counter("k8sm.launcher.bindings", "result", r);
        }
    }

    /** {@code handler}, its committed batches counted. */
    TransactionalLoop.BatchHandler counting(String loop, TransactionalLoop.BatchHandler handler) {
        return new TransactionalLoop.BatchHandler() {
            private Runnable pending;

            @Override
            public List<ProducerRecord<String, byte[]>> handle(List<ConsumerRecord<String, byte[]>> batch)
                    throws TransactionalLoop.RetryLater {
                List<ProducerRecord<String, byte[]>> out = handler.handle(batch);
                pending = tally(loop, batch, out);
                return out;
            }

            @Override
            public void committed() {
                handler.committed();
                if (pending != null) {
                    pending.run();
                    pending = null;
                }
            }

            @Override
            public void aborted() {
                handler.aborted();
                pending = null;
            }
        };
    }

    private Runnable tally(
            String loop, List<ConsumerRecord<String, byte[]>> batch, List<ProducerRecord<String, byte[]>> out) {
        int requests = 0;
        int statuses = 0;
        for (ConsumerRecord<String, byte[]> r : batch) {
            if (r.topic().equals(launchRequests)) {
                requests++;
            } else if (r.topic().equals(taskStatus)) {
                statuses++;
            }
        }
        List<LauncherEvent> events = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : out) {
            if (r.topic().equals(launcherEvents) && r.value() != null) {
                try {
                    events.add(codec.decode(LauncherEvent.class, r.topic(), r.value()));
                } catch (RuntimeException e) {
                    // not ours to judge: the record is written as it is
                }
            }
        }
        int req = requests;
        int st = statuses;
        return () -> {
            counter("k8sm.launcher.batches", "loop", loop).increment();
            counter("k8sm.launcher.launch.requests", "loop", loop).increment(req);
            counter("k8sm.launcher.status.updates", "loop", loop).increment(st);
            long now = nanos.getAsLong();
            for (LauncherEvent e : events) {
                switch (e.getType()) {
                    case LAUNCHED -> {
                        counter("k8sm.launcher.launches", "result", "launched").increment();
                        if (launchedAt.size() < MAX_TRACKED) {
                            launchedAt.put(e.getTaskId(), now);
                        }
                    }
                    case LAUNCH_REJECTED ->
                        counter("k8sm.launcher.launches", "result", "rejected").increment();
                    case BOUND -> {
                        counter("k8sm.launcher.bindings", "result", "bound").increment();
                        Long at = launchedAt.remove(e.getTaskId());
                        if (at != null) {
                            bindLatency.record(Duration.ofNanos(now - at));
                        }
                    }
                    case BIND_FAILED -> {
                        counter("k8sm.launcher.bindings", "result", "failed").increment();
                        launchedAt.remove(e.getTaskId());
                    }
                }
            }
        };
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }
}
