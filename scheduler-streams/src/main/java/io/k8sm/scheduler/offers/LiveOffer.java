package io.k8sm.scheduler.offers;

import io.k8sm.avro.Offer;

/**
 * One entry of the offers store. A live offer may be matched until {@code expiresAt}; an offer that
 * is gone (used, declined, rescinded, expired, of a lost agent) is remembered until {@code
 * lingerUntil} so that a second delivery of the same offer id is recognised and not reused.
 */
public record LiveOffer(Offer offer, long receivedAt, long expiresAt, boolean gone, long lingerUntil) {

    public static LiveOffer live(Offer offer, long now, long ttlMs) {
        return new LiveOffer(offer, now, now + ttlMs, false, 0L);
    }

    public LiveOffer goneUntil(long lingerUntil) {
        return new LiveOffer(offer, receivedAt, expiresAt, true, lingerUntil);
    }

    public String id() {
        return offer.getId();
    }

    public String agentId() {
        return offer.getAgentId();
    }
}
