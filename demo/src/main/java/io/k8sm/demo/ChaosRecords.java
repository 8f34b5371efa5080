package io.k8sm.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the harness sees of the other sides while a run goes on, polled from the simulator's own
 * records (the world's control endpoint: executed calls, launches, outstanding offers, subscriptions)
 * and from the topics straight off the broker (never through the services' proxied links): the
 * triggers of the kills at the dangerous points wait on it, the recovery measurement reads its
 * observation times, and {@link ChaosCheck} its acknowledgements and offer ages.
 */
final class ChaosRecords implements AutoCloseable {

    /** One ACKNOWLEDGE the simulator executed: the task id and the base64 uuid of the update. */
    record Ack(String taskId, String uuid) {}

    /** One launch the simulator recorded, with the harness's wall-clock time when it first saw it. */
    record SeenLaunch(String taskId, String pod, long seenAtMillis) {}

    /** An outstanding offer seen older than the allowance, at {@code seenAtMillis}. */
    record OldOffer(String offerId, long offeredAtMillis, long seenAtMillis) {}

    private final String control;
    private final Properties kafka;
    private final String launchRequestsTopic;
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<SeenLaunch> launches = new CopyOnWriteArrayList<>();
    private final Map<String, OldOffer> oldOffers = new ConcurrentHashMap<>();
    private final AtomicLong accepts = new AtomicLong();
    private final AtomicLong subscriptions = new AtomicLong();
    private final AtomicLong requestsUncommitted = new AtomicLong();
    private final AtomicLong requestsCommitted = new AtomicLong();
    private final long offerAllowanceMillis;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    private int calls;

    ChaosRecords(String control, Properties kafka, String launchRequestsTopic, long offerAllowanceMillis) {
        this.control = control;
        this.kafka = kafka;
        this.launchRequestsTopic = launchRequestsTopic;
        this.offerAllowanceMillis = offerAllowanceMillis;
    }

    ChaosRecords start() {
        spawn("k8sm-chaos-calls", this::pollWorld);
        spawn("k8sm-chaos-topics", this::watchTopics);
        return this;
    }

    long accepts() {
        return accepts.get();
    }

    long subscriptions() {
        return subscriptions.get();
    }

    /** Launch requests on the topic, uncommitted (an open transaction's) ones too. */
    long launchRequestsUncommitted() {
        return requestsUncommitted.get();
    }

    /** Launch requests on the topic as the launcher sees them (read_committed). */
    long launchRequestsCommitted() {
        return requestsCommitted.get();
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    List<SeenLaunch> launches() {
        return List.copyOf(launches);
    }

    List<OldOffer> oldOffers() {
        return List.copyOf(oldOffers.values());
    }

    /** Waits (polling every 20 ms) until {@code condition} holds; false after {@code timeout}. */
    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private void pollWorld() {
        long nextSlow = 0;
        while (!closed) {
            try {
                for (Map<String, Object> c : ChaosCheck.get(control, "/calls?from=" + calls)) {
                    calls++;
                    String type = (String) c.get("type");
                    if (type.equals("ACCEPT")) {
                        accepts.incrementAndGet();
                    } else if (type.equals("ACKNOWLEDGE")) {
                        acks.add(new Ack((String) c.get("taskId"), (String) c.get("uuid")));
                    }
                }
                long now = System.currentTimeMillis();
                for (Map<String, Object> l : ChaosCheck.get(control, "/launches?from=" + launches.size())) {
                    launches.add(new SeenLaunch(
                            (String) l.get("taskId"), ChaosCheck.podKey((String) l.get("taskName")), now));
                }
                subscriptions.set(
                        ((Number) ChaosCheck.getObject(control, "/stats").get("subscriptions")).longValue());
                if (now >= nextSlow) {
                    nextSlow = now + 1000;
                    for (Map<String, Object> o : ChaosCheck.get(control, "/offers")) {
                        long at = ((Number) o.get("offeredAtMillis")).longValue();
                        if (now - at > offerAllowanceMillis) {
                            String id = (String) o.get("offerId");
                            oldOffers.merge(id, new OldOffer(id, at, now), (a, b) -> b);
                        }
                    }
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                sleepQuietly(500); // the world is busy or going away; the next poll tries again
            }
        }
    }

    private void watchTopics() {
        try (KafkaConsumer<byte[], byte[]> uncommitted = consumer("read_uncommitted");
                KafkaConsumer<byte[], byte[]> committed = consumer("read_committed")) {
            while (!closed) {
                try {
                    requestsUncommitted.addAndGet(
                            uncommitted.poll(Duration.ofMillis(50)).count());
                    requestsCommitted.addAndGet(
                            committed.poll(Duration.ofMillis(50)).count());
                } catch (RuntimeException e) {
                    sleepQuietly(500); // the broker restarts; the consumers reconnect
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                System.out.println("k8sm chaos: watching " + launchRequestsTopic + " failed: " + e);
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // while the broker is down on purpose, retry calmly (each failed attempt logs a warning)
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, "1000");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (parts.isEmpty() && System.nanoTime() < deadline && !closed) {
            c.partitionsFor(launchRequestsTopic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            if (parts.isEmpty()) {
                sleepQuietly(500);
            }
        }
        c.assign(parts);
        c.seekToEnd(parts);
        return c;
    }

    private void spawn(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        if (!threads.isEmpty()) {
            threads.get(0).interrupt(); // the world's poller (HTTP); the topic watcher ends within a poll
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
