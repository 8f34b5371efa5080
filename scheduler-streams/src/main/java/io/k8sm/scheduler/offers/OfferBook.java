package io.k8sm.scheduler.offers;

import io.k8sm.avro.Offer;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.state.Meta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The book of offers: live offers until their TTL, gone ones (used, declined, rescinded, expired,
 * of a lost agent) lingering so that a second delivery is not reused. Incompatible offers and
 * expired ones are declined.
 */
public final class OfferBook {

    private static final Logger log = LoggerFactory.getLogger(OfferBook.class);

    /** The record time of the latest Subscribed or Disconnected: offers from before it are invalid. */
    static final String EPOCH = "offers.epoch";

    /** The earliest TTL of a live offer: {@link #expire} looks at the live offers from then on. */
    static final String NEXT_EXPIRY = "offers.next.expiry";

    /**
     * When {@link #expire} next forgets the gone offers past their linger time: at the earliest
     * linger end, but at most every tenth of the linger time, so an offer id is remembered for at
     * least {@code offer.linger} and at most a tenth longer. Before, every input scanned every
     * lingering offer (the replay's and the scheduler's main cost).
     */
    static final String NEXT_SWEEP = "offers.next.sweep";

    private final Kv<String, LiveOffer> offers;
    private final Kv<String, Long> meta;
    private final Decisions out;
    private final SchedulerSettings settings;

    /**
     * The live entries of the store by id, read from it on first use and then kept with every write
     * of this book (the only writer): {@link #live} ran a scan of every lingering offer on each
     * scheduling round. A function of the store alone, so a replay decides the same.
     */
    private Map<String, LiveOffer> liveById;

    public OfferBook(Kv<String, LiveOffer> offers, Kv<String, Long> meta, Decisions out, SchedulerSettings settings) {
        this.offers = offers;
        this.meta = meta;
        this.out = out;
        this.settings = settings;
    }

    /**
     * A new subscription began or the last one ended at {@code recordTime}: every offer received
     * before is invalid in Mesos (the master rescinds them on re-subscription), so it is dropped
     * silently, never declined; a replay of old offers after it is ignored (review C3).
     */
    public void newEpoch(long recordTime, long now) {
        meta.put(EPOCH, Math.max(Meta.get(meta, EPOCH, Long.MIN_VALUE), recordTime));
        for (LiveOffer lo : List.copyOf(liveById().values())) {
            if (lo.receivedAt() < recordTime) {
                put(lo.goneUntil(now + settings.offerLingerMs()));
            }
        }
    }

    /**
     * A new offer, its record written at {@code recordTime}: true when it is live (and may wake pods
     * that found no fit before).
     */
    public boolean onOffer(Offer offer, long recordTime, long now) {
        if (recordTime < Meta.get(meta, EPOCH, Long.MIN_VALUE)) {
            log.debug("offer {} is older than the latest subscription; dropped", offer.getId());
            return false;
        }
        if (offers.get(offer.getId()) != null) {
            log.debug("offer {} seen before; ignored", offer.getId());
            return false;
        }
        String incompatible = incompatible(offer);
        if (incompatible != null) {
            log.info("offer {} from {} declined: {}", offer.getId(), offer.getHostname(), incompatible);
            put(LiveOffer.live(offer, now, 0).goneUntil(now + settings.offerLingerMs()));
            out.decline(offer.getId());
            return false;
        }
        put(LiveOffer.live(offer, now, settings.offerTtlMs()));
        return true;
    }

    /** The offer is rescinded: gone (the tasks holding it are the scheduling round's). */
    public void rescind(String offerId, long now) {
        LiveOffer lo = offers.get(offerId);
        if (lo != null && !lo.gone()) {
            put(lo.goneUntil(now + settings.offerLingerMs()));
        }
    }

    private String incompatible(Offer offer) {
        List<String> ex = offer.getExecutorIds();
        if (ex.size() > 1) {
            return "more than one executor of ours on the agent: " + ex;
        }
        if (ex.size() == 1 && !ex.get(0).equals(settings.executorId())) {
            return "wrong executor id " + ex.get(0) + " (ours is " + settings.executorId() + ")";
        }
        return null;
    }

    /** Declines every live offer past its TTL and forgets gone offers past their linger time. */
    public void expire(long now) {
        if (now >= Meta.get(meta, NEXT_EXPIRY, Long.MIN_VALUE)) {
            long next = Long.MAX_VALUE;
            for (LiveOffer lo : List.copyOf(liveById().values())) {
                if (lo.expiresAt() <= now) {
                    log.debug("offer {} expired unused; declined", lo.id());
                    put(lo.goneUntil(now + settings.offerLingerMs()));
                    out.decline(lo.id());
                } else {
                    next = Math.min(next, lo.expiresAt());
                }
            }
            meta.put(NEXT_EXPIRY, next);
        }
        if (now >= Meta.get(meta, NEXT_SWEEP, Long.MIN_VALUE)) {
            long next = Long.MAX_VALUE;
            for (Map.Entry<String, LiveOffer> e : offers.all()) {
                LiveOffer lo = e.getValue();
                if (lo.gone() && lo.lingerUntil() <= now) {
                    offers.delete(lo.id());
                } else if (lo.gone()) {
                    next = Math.min(next, lo.lingerUntil());
                }
            }
            meta.put(NEXT_SWEEP, next == Long.MAX_VALUE ? next : Math.max(next, now + settings.offerLingerMs() / 10));
        }
    }

    private void put(LiveOffer lo) {
        offers.put(lo.id(), lo);
        if (lo.gone()) {
            liveById().remove(lo.id());
            lower(NEXT_SWEEP, lo.lingerUntil());
        } else {
            liveById().put(lo.id(), lo);
            lower(NEXT_EXPIRY, lo.expiresAt());
        }
    }

    private void lower(String key, long due) {
        if (due < Meta.get(meta, key, Long.MAX_VALUE)) {
            meta.put(key, due);
        }
    }

    private Map<String, LiveOffer> liveById() {
        if (liveById == null) {
            liveById = new TreeMap<>(); // key order, as the store scans
            for (Map.Entry<String, LiveOffer> e : offers.all()) {
                if (!e.getValue().gone()) {
                    liveById.put(e.getKey(), e.getValue());
                }
            }
        }
        return liveById;
    }

    /** Drops the live offers of one agent, or of every agent when {@code agentId} is null. */
    public void drop(long now, String agentId) {
        for (LiveOffer lo : List.copyOf(liveById().values())) {
            if (agentId == null || agentId.equals(lo.agentId())) {
                put(lo.goneUntil(now + settings.offerLingerMs()));
            }
        }
    }

    /** The live offers in arrival order (offer id breaks ties). */
    public List<LiveOffer> live() {
        List<LiveOffer> live = new ArrayList<>(liveById().values());
        live.sort(Comparator.comparingLong(LiveOffer::receivedAt).thenComparing(LiveOffer::id));
        return live;
    }

    /** An offer drawn on by a launch is used up. */
    public void used(LiveOffer offer, long now) {
        put(offer.goneUntil(now + settings.offerLingerMs()));
    }
}
