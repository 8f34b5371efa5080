package io.k8sm.offeringest.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import io.k8sm.offeringest.mesos.RecordIoDecoder.RecordIoException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one subscription: decodes the RecordIO stream into events (protobuf or JSON) and hands each to the
 * {@link MesosEventListener}, one at a time, in stream order. SUBSCRIBED and ERROR also move the {@link
 * MesosSubscription}; a bad record, a broken stream or its end loses the connection there.
 */
final class MesosEventStream implements Flow.Subscriber<List<ByteBuffer>> {

    private static final Logger LOG = LoggerFactory.getLogger(MesosSchedulerClient.class);
    /** Used when SUBSCRIBED announces no interval (Mesos' default is 15 s). */
    static final double DEFAULT_HEARTBEAT_SECONDS = 15;

    private final MesosConnection c;
    private final MesosSubscription subscription;
    private final MesosEventListener listener;
    private final RecordIoDecoder decoder = new RecordIoDecoder();

    MesosEventStream(MesosConnection c, MesosSubscription subscription, MesosEventListener listener) {
        this.c = c;
        this.subscription = subscription;
        this.listener = listener;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        c.subscription = s;
        if (c.lost) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (c.lost) {
            return;
        }
        for (ByteBuffer buf : buffers) {
            List<byte[]> records;
            try {
                records = decoder.feed(buf);
            } catch (RecordIoException e) {
                byte[] rest = new byte[buf.remaining()];
                buf.get(rest);
                byte[] bad = concat(e.bytes(), rest);
                LOG.warn(
                        "{} from {} (stream {}); {} bytes reported as bad input, resubscribing",
                        e.getMessage(),
                        c.uri,
                        c.streamId,
                        bad.length);
                subscription.deliver(c, () -> listener.onBadInput(bad, e.getMessage()));
                subscription.lost(c, e.getMessage(), true);
                return;
            }
            for (byte[] record : records) {
                handleRecord(record);
                if (c.lost) {
                    return;
                }
            }
        }
        c.subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
        subscription.lost(c, "subscription stream failed: " + t, true);
    }

    @Override
    public void onComplete() {
        if (!decoder.atBoundary()) {
            byte[] partial = decoder.pending();
            String reason = "stream ended in the middle of a record";
            LOG.warn("{} from {}; {} bytes reported as bad input", reason, MesosTransport.shown(c.uri), partial.length);
            subscription.deliver(c, () -> listener.onBadInput(partial, reason));
        }
        subscription.lost(c, "master closed the subscription stream", true);
    }

    /** Only an event that parses, of a known type, is a sign of life for the heartbeat watchdog. */
    private void handleRecord(byte[] record) {
        Event event;
        try {
            if (c.json) {
                Event.Builder b = Event.newBuilder();
                MesosTransport.PARSER.merge(new String(record, StandardCharsets.UTF_8), b);
                event = b.build();
            } else {
                event = Event.parseFrom(record);
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            String reason = "cannot parse event (" + (c.json ? "json" : "protobuf") + "): " + e.getMessage();
            LOG.warn(
                    "{} from {} (stream {}, {} bytes)", reason, MesosTransport.shown(c.uri), c.streamId, record.length);
            subscription.deliver(c, () -> listener.onBadInput(record, reason));
            return;
        }
        if (event.getType() != Event.Type.UNKNOWN) {
            c.lastEventNanos = System.nanoTime();
        }
        switch (event.getType()) {
            case SUBSCRIBED -> {
                Event.Subscribed s = event.getSubscribed();
                double hb = MesosTimings.heartbeatSeconds(
                        subscription.cfg, s.hasHeartbeatIntervalSeconds(), s.getHeartbeatIntervalSeconds());
                if (!subscription.subscribed(c, s.getFrameworkId())) {
                    return;
                }
                LOG.info(
                        "subscribed to {} as framework {} (stream {}, heartbeat {} s)",
                        c.uri,
                        s.getFrameworkId().getValue(),
                        c.streamId,
                        hb);
                // the listener first stores the framework id durably (it may wait for Kafka): that time is not
                // the master's silence, so the heartbeat watchdog starts when it returns
                subscription.deliver(
                        c, () -> listener.onSubscribed(s.getFrameworkId(), Duration.ofNanos((long) (hb * 1e9))));
                c.lastEventNanos = System.nanoTime();
                subscription.startWatchdog(c, hb);
            }
            case OFFERS ->
                subscription.deliver(
                        c, () -> listener.onOffers(event.getOffers().getOffersList()));
            case RESCIND ->
                subscription.deliver(
                        c, () -> listener.onRescind(event.getRescind().getOfferId()));
            case UPDATE ->
                subscription.deliver(
                        c, () -> listener.onUpdate(event.getUpdate().getStatus()));
            case FAILURE -> subscription.deliver(c, () -> listener.onFailure(event.getFailure()));
            case HEARTBEAT -> subscription.deliver(c, listener::onHeartbeat);
            case ERROR -> {
                String message = event.getError().getMessage();
                LOG.error("ERROR event from {}: {}", MesosTransport.shown(c.uri), message);
                subscription.deliver(c, () -> listener.onError(message));
                subscription.errorEvent(c, message);
            }
            case UNKNOWN -> {
                String reason = "event of unknown type";
                LOG.warn(
                        "{} from {} (stream {}, {} bytes)",
                        reason,
                        MesosTransport.shown(c.uri),
                        c.streamId,
                        record.length);
                subscription.deliver(c, () -> listener.onBadInput(record, reason));
            }
            default -> subscription.deliver(c, () -> listener.onOtherEvent(event));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Runs a listener method; an exception it throws is logged, never propagated into the client. */
    static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("Mesos event listener failed", e);
        }
    }
}
