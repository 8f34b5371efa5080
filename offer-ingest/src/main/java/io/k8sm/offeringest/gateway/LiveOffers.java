package io.k8sm.offeringest.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls restricted to the offers the current subscription received and still holds ({@link
 * AllocationRoles#liveOffers}). Mesos invalidates every offer on re-subscription, rescission and
 * use, so a call about any other offer would only be refused:
 *
 * <ul>
 *   <li>a DECLINE keeps its live offers, and is not sent when none is left (review C3: a scheduler
 *       rebuilt from scratch replays days of offers, and declining them would queue real calls
 *       behind hours of declines Mesos ignores anyway);
 *   <li>an ACCEPT with an offer this subscription never received (one from before a
 *       re-subscription) is not sent at all ({@link #staleOf}): Mesos would
 *       answer each of its tasks TASK_DROPPED REASON_INVALID_OFFERS, which the scheduler cannot tell
 *       from the echo of a replayed ACCEPT and so confirms by a reconciliation round; an ACCEPT known
 *       not to have been sent lets it place the pods again at once. (An ACCEPT read from the topic
 *       was never sent before: its offset is committed before it is sent.)
 * </ul>
 */
final class LiveOffers {
    private static final Logger LOG = LoggerFactory.getLogger(LiveOffers.class);

    private final AllocationRoles memory;
    private final AtomicLong declinesDropped = new AtomicLong();
    private final AtomicLong callsDropped = new AtomicLong();
    private final AtomicLong acceptsNotSent = new AtomicLong();
    private long loggedDropsOf = -1;
    /** ACCEPT call ids this process tried to send (a retry re-reads the same record). */
    private final Map<String, Boolean> tried = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    };

    LiveOffers(AllocationRoles memory) {
        this.memory = memory;
    }

    /** The DECLINE restricted to its live offers, or null when none is left. */
    Call liveDecline(String callId, Call call) {
        List<String> ids = ids(call.getDecline().getOfferIdsList());
        List<String> live = memory.liveOffers(ids);
        if (live.size() == ids.size()) {
            return call;
        }
        declinesDropped.addAndGet(ids.size() - live.size());
        if (loggedDropsOf != memory.subscriptions()) {
            loggedDropsOf = memory.subscriptions();
            LOG.info(
                    "call {} declines offers this subscription never received (e.g. {}); such declines are dropped"
                            + " (a replay of old offers), counted in declinesDropped, and not logged again until the"
                            + " next subscription",
                    callId,
                    ids.stream().filter(id -> !live.contains(id)).findFirst().orElse(""));
        }
        if (live.isEmpty()) {
            callsDropped.incrementAndGet();
            return null;
        }
        Call.Decline.Builder d = call.getDecline().toBuilder().clearOfferIds();
        live.forEach(id -> d.addOfferIds(OfferID.newBuilder().setValue(id)));
        return call.toBuilder().setDecline(d).build();
    }

    /**
     * The offers of an ACCEPT this subscription never received (empty: send it); a non-empty answer
     * counts it as not sent. An offer it received and then saw used or rescinded is left to Mesos to
     * refuse (the call might repeat one that launched its tasks), and so is a call this process
     * already tried to send (a retry after no answer: the first copy may have reached the master
     * before the subscription changed).
     */
    List<String> staleOf(String callId, Call accept) {
        if (tried.containsKey(callId)) {
            return List.of();
        }
        List<String> stale = memory.unreceived(ids(accept.getAccept().getOfferIdsList()));
        if (!stale.isEmpty()) {
            acceptsNotSent.incrementAndGet();
        }
        return stale;
    }

    /** The ACCEPT is about to be sent: from now on it may have reached the master. */
    void sending(String callId) {
        tried.put(callId, Boolean.TRUE);
    }

    /** The call's offers are used: a later call about them is a replay. */
    void used(Call call) {
        List<OfferID> ids = call.hasDecline()
                ? call.getDecline().getOfferIdsList()
                : call.hasAccept() ? call.getAccept().getOfferIdsList() : List.of();
        ids(ids).forEach(memory::gone);
    }

    long declinesDropped() {
        return declinesDropped.get();
    }

    long callsDropped() {
        return callsDropped.get();
    }

    long acceptsNotSent() {
        return acceptsNotSent.get();
    }

    private static List<String> ids(List<OfferID> ids) {
        return ids.stream().map(OfferID::getValue).toList();
    }
}
