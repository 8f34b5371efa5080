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

    private final Kv<String, LiveOffer> offers;
    private final Kv<String, Long> meta;
    private final Decisions out;
    private final SchedulerSettings settings;

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
        for (Map.Entry<String, LiveOffer> e : offers.all()) {
            LiveOffer lo = e.getValue();
            if (!lo.gone() && lo.receivedAt() < recordTime) {
                offers.put(lo.id(), lo.goneUntil(now + settings.offerLingerMs()));
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
            offers.put(offer.getId(), LiveOffer.live(offer, now, 0).goneUntil(now + settings.offerLingerMs()));
            out.decline(offer.getId());
            return false;
        }
        offers.put(offer.getId(), LiveOffer.live(offer, now, settings.offerTtlMs()));
        return true;
    }

    /** The offer is rescinded: gone (the tasks holding it are the scheduling round's). */
    public void rescind(String offerId, long now) {
        LiveOffer lo = offers.get(offerId);
        if (lo != null && !lo.gone()) {
            offers.put(lo.id(), lo.goneUntil(now + settings.offerLingerMs()));
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
        for (Map.Entry<String, LiveOffer> e : offers.all()) {
            LiveOffer lo = e.getValue();
            if (!lo.gone() && lo.expiresAt() <= now) {
                log.debug("offer {} expired unused; declined", lo.id());
                offers.put(lo.id(), lo.goneUntil(now + settings.offerLingerMs()));
                out.decline(lo.id());
            } else if (lo.gone() && lo.lingerUntil() <= now) {
                offers.delete(lo.id());
            }
        }
    }

    /** Drops the live offers of one agent, or of every agent when {@code agentId} is null. */
    public void drop(long now, String agentId) {
        for (Map.Entry<String, LiveOffer> e : offers.all()) {
            LiveOffer lo = e.getValue();
            if (!lo.gone() && (agentId == null || agentId.equals(lo.agentId()))) {
                offers.put(lo.id(), lo.goneUntil(now + settings.offerLingerMs()));
            }
        }
    }

    /** The live offers in arrival order (offer id breaks ties). */
    public List<LiveOffer> live() {
        List<LiveOffer> live = new ArrayList<>();
        for (Map.Entry<String, LiveOffer> e : offers.all()) {
            if (!e.getValue().gone()) {
                live.add(e.getValue());
            }
        }
        live.sort(Comparator.comparingLong(LiveOffer::receivedAt).thenComparing(LiveOffer::id));
        return live;
    }

    /** An offer drawn on by a launch is used up. */
    public void used(LiveOffer offer, long now) {
        offers.put(offer.id(), offer.goneUntil(now + settings.offerLingerMs()));
    }
}
