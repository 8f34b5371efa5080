package io.k8sm.offeringest.gateway;

import io.k8sm.avro.CallRejected;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.MesosCall;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.deadletter.SafeRecordLoop;
import io.k8sm.offeringest.mesos.MesosCallException;
import io.k8sm.offeringest.mesos.NotSubscribedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call half of the bridge: consumes {@code mesos-calls} (group {@code k8sm-offer-ingest}),
 * converts each {@link MesosCall} to the protobuf call and sends it to the master, one at a time,
 * in order.
 *
 * <ul>
 *   <li><b>ACCEPT: at most once.</b> Its offset is committed <em>before</em> it is sent, so an
 *       offer-ingest killed after sending never sends it again from the topic (a replayed ACCEPT
 *       would be answered TASK_LOST REASON_INVALID_OFFERS with the live task's id). An ACCEPT lost
 *       by a crash between the commit and the send is healed by the scheduler's reconciliation
 *       (the launcher reported the task LAUNCHED; Mesos does not know it). An ACCEPT of offers the
 *       current subscription never received is not sent at all, and answered by a {@code CallRejected}
 *       with {@code notSent} ({@link LiveOffers}).
 *   <li><b>Every other call: at least once.</b> Offsets are committed after the calls of a poll
 *       were sent; a crash in between sends them again, which Mesos makes harmless (a second
 *       DECLINE or ACKNOWLEDGE is ignored, KILL / RECONCILE / REVIVE / SUPPRESS are idempotent).
 *   <li><b>Transient failures are retried, never skipped</b>: no answer (transport error,
 *       timeout), 5xx (503 during a master election), 408, 429, a redirect not followed, or a 4xx
 *       answered while the subscription was lost in between. The consumer is rewound to the call and
 *       it is sent again after a backoff (doubling to {@link #RETRY_MAX}); nothing is committed past
 *       it.
 *   <li>Only a <b>permanent</b> refusal (any other 4xx) becomes a {@code CallRejected} event on
 *       {@code framework} (with an ACCEPT's task ids), written and confirmed before the offset is
 *       committed; so does a record that cannot be converted.
 *   <li>Without a subscription the call waits (the consumer is rewound and polls again) until the
 *       client has subscribed again: nothing is skipped.
 *   <li>An unreadable record goes to {@code dead-letters} ({@link SafeRecordLoop}) and the loop
 *       goes on.
 * </ul>
 */
public final class CallExecutor implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallExecutor.class);
    private static final Duration WAIT_FOR_SUBSCRIPTION = Duration.ofSeconds(10);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    static final Duration RETRY_MAX = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final SafeRecordLoop<String, MesosCall> loop;
    private final CallTranslator translator;
    private final MesosCalls mesos;
    private final EventPublisher events;
    private final String topic;
    private final Duration poll;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final LiveOffers offers;
    private volatile boolean running = true;
    /** False while this instance is not the leader: the loop holds no partition of the group and sends nothing. */
    private volatile boolean active = true;

    private volatile boolean parked;
    private volatile Thread thread;

    public CallExecutor(
            Consumer<byte[], byte[]> consumer,
            String topic,
            Deserializer<MesosCall> values,
            DeadLetterPublisher deadLetters,
            CallTranslator translator,
            MesosCalls mesos,
            EventPublisher events,
            Duration poll) {
        this.consumer = consumer;
        this.topic = topic;
        this.translator = translator;
        this.mesos = mesos;
        this.events = events;
        this.poll = poll;
        this.offers = new LiveOffers(translator.memory());
        this.loop = new SafeRecordLoop<>(
                consumer, new StringDeserializer(), values, deadLetters, EventPublisher.APPLICATION, this::execute);
    }

    /** Starts the loop on its own thread. */
    public CallExecutor start() {
        Thread t = new Thread(this, "offer-ingest-calls");
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    /**
     * Stops executing calls (the leader stepping down): the loop finishes the call in progress, leaves the group
     * (the next leader's loop gets the partitions, from the committed offsets) and waits for {@link #resume()}.
     * {@link #awaitPaused} waits for that.
     */
    public void pause() {
        active = false;
        consumer.wakeup();
    }

    /** Executes calls again (this instance became the leader): the loop joins the group. */
    public void resume() {
        parked = false;
        active = true;
    }

    /** Waits until a {@link #pause()}d loop holds no partition and sends nothing; false if that took too long. */
    public boolean awaitPaused(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!active && !parked && isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return parked || !isRunning();
    }

    @Override
    public void run() {
        boolean subscribed = false;
        long backoff = RETRY_PAUSE.toMillis();
        try {
            while (running) {
                try {
                    if (!active) {
                        if (subscribed) {
                            consumer.unsubscribe(); // leaves the group: the partitions go to the next leader
                            subscribed = false;
                        }
                        parked = true;
                        sleep(20);
                        continue;
                    }
                    if (!subscribed) {
                        consumer.subscribe(List.of(topic));
                        subscribed = true;
                    }
                    SafeRecordLoop.Batch b = loop.pollOnce(poll);
                    if (b.handled() + b.deadLettered() > 0) {
                        consumer.commitSync();
                        backoff = RETRY_PAUSE.toMillis();
                    }
                } catch (SafeRecordLoop.HandlerException e) {
                    if (!active) {
                        continue; // stepping down: rewound, the next leader sends it
                    }
                    // rewound to the failed call: it is tried again after a pause, nothing committed past it
                    LOG.info("{}; retrying in {} ms", e.getMessage(), backoff);
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, RETRY_MAX.toMillis());
                } catch (WakeupException e) {
                    // close() or pause(): the loop's condition decides
                } catch (RuntimeException e) {
                    if (!running || !active) {
                        continue;
                    }
                    LOG.warn("call loop failed ({}); retrying", e.toString());
                    sleep();
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the calls consumer: {}", e.toString());
            }
        }
    }

    private void execute(ConsumerRecord<String, MesosCall> record) throws Exception {
        MesosCall value = record.value();
        if (value == null) {
            return; // a tombstone: nothing to do
        }
        Call.Type type = CallTranslator.type(value);
        Call call;
        try {
            call = translator.toProtobuf(value);
        } catch (IllegalArgumentException e) {
            reject(value, type, null, "cannot convert the call: " + e.getMessage(), CallTranslator.taskIds(value));
            return;
        }
        awaitSubscription();
        if (type == Call.Type.DECLINE) {
            call = offers.liveDecline(value.getCallId(), call);
            if (call == null) {
                return;
            }
        }
        if (type == Call.Type.ACCEPT) {
            List<String> stale = offers.staleOf(value.getCallId(), call);
            if (!stale.isEmpty()) {
                reject(
                        value,
                        type,
                        null,
                        "not sent: offers " + stale + " were not received by the current subscription (they are"
                                + " from before a re-subscription), so Mesos would refuse them",
                        CallTranslator.taskIds(value),
                        true);
                return;
            }
            // at most once: a kill after the send must not send it again from the topic
            consumer.commitSync(Map.of(
                    new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)));
            offers.sending(value.getCallId());
        }
        try {
            mesos.call(call);
            sent.incrementAndGet();
            offers.used(call); // a later call about them is a replay
            LOG.debug("sent {} {}", type, value.getCallId());
        } catch (NotSubscribedException e) {
            throw e; // rewound and retried once subscribed again
        } catch (MesosCallException e) {
            if (isTransient(e.status()) || !mesos.isSubscribed()) {
                retried.incrementAndGet();
                throw new TransientCallFailure(value.getCallId(), type, e); // rewound, sent again after a backoff
            }
            reject(
                    value,
                    type,
                    e.status() < 0 ? null : e.status(),
                    e.body() == null ? e.getMessage() : e.body(),
                    CallTranslator.taskIds(value));
        }
    }

    /** DECLINE calls not sent at all: none of their offers was live. */
    public long callsDropped() {
        return offers.callsDropped();
    }

    /** DECLINEd offer ids dropped because this subscription never received them (or no longer holds them). */
    public long declinesDropped() {
        return offers.declinesDropped();
    }

    /** ACCEPT calls not sent because this subscription never received an offer of theirs; answered CallRejected notSent. */
    public long acceptsNotSent() {
        return offers.acceptsNotSent();
    }

    /** No answer, a 5xx (503 while the masters elect a leader), 408, 429 or a redirect not followed. */
    static boolean isTransient(int status) {
        return status < 0 || status >= 500 || status == 408 || status == 429 || status == 307;
    }

    /** A call that failed for a reason that passes: the loop rewinds to it and sends it again. */
    static final class TransientCallFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransientCallFailure(String callId, Call.Type type, MesosCallException cause) {
            super(
                    "call " + callId + " (" + type + ") failed transiently ("
                            + (cause.status() < 0 ? "no answer" : "HTTP " + cause.status()) + ": "
                            + (cause.body() == null ? cause.getMessage() : cause.body()) + "); not committed",
                    cause);
        }
    }

    private void awaitSubscription() {
        long deadline = System.nanoTime() + WAIT_FOR_SUBSCRIPTION.toNanos();
        while (!mesos.isSubscribed()) {
            if (!running || !active || System.nanoTime() > deadline) {
                throw new NotSubscribedException(Call.Type.UNKNOWN);
            }
            sleep();
        }
    }

    private void reject(MesosCall value, Call.Type type, Integer status, String reason, List<String> taskIds)
            throws Exception {
        reject(value, type, status, reason, taskIds, false);
    }

    private void reject(
            MesosCall value, Call.Type type, Integer status, String reason, List<String> taskIds, boolean notSent)
            throws Exception {
        rejected.incrementAndGet();
        LOG.warn(
                "call {} ({}) rejected: {} {}",
                value.getCallId(),
                type,
                notSent ? "not sent" : status == null ? "no answer" : "HTTP " + status,
                reason);
        events.sendAndWait(
                events.frameworkTopic(),
                events.frameworkKey(),
                new FrameworkEvent(CallRejected.newBuilder()
                        .setCallId(value.getCallId())
                        .setCallType(type.name())
                        .setHttpStatus(status)
                        .setReason(reason == null ? "" : reason)
                        .setTaskIds(taskIds)
                        .setNotSent(notSent)
                        .build()),
                Duration.ofSeconds(30));
    }

    private void sleep() {
        sleep(RETRY_PAUSE.toMillis());
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** True while the loop's thread is alive and not asked to stop. */
    public boolean isRunning() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    public long callsSent() {
        return sent.get();
    }

    public long callsRejected() {
        return rejected.get();
    }

    /** Sends that failed transiently and were (or will be) sent again. */
    public long callsRetried() {
        return retried.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
