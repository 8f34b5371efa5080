package io.k8sm.offeringest.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the event side learnt and the call side needs: the role each recent offer was allocated to
 * (MULTI_ROLE frameworks must repeat it in the resources they launch with), and each agent's
 * hostname (for AgentLost); and which offers the current subscription received and has not seen
 * rescinded or used (review C3: a DECLINE of any other offer is dropped, see {@link #liveOffers}),
 * and which it received at all ({@link #unreceived}: an ACCEPT of other offers is not sent).
 * Bounded (least recently added entries go first) and thread-safe.
 */
public final class AllocationRoles {
    private static final int MAX = 50_000;

    private final List<String> frameworkRoles;
    private final Map<String, String> byOffer = lru();
    private final Map<String, String> hostByAgent = lru();
    private final Map<String, String> live = lru();
    private final Map<String, String> received = lru();
    private long subscription;

    /**
     * @param frameworkRoles the roles the framework subscribed with; the first is the fallback
     */
    public AllocationRoles(List<String> frameworkRoles) {
        this.frameworkRoles = List.copyOf(frameworkRoles);
    }

    private static Map<String, String> lru() {
        return new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > MAX;
            }
        };
    }

    public synchronized void offer(String offerId, String agentId, String hostname, String allocationRole) {
        if (allocationRole != null) {
            byOffer.put(offerId, allocationRole);
        }
        hostByAgent.put(agentId, hostname);
        live.put(offerId, agentId);
        received.put(offerId, agentId);
    }

    /** A new subscription began: Mesos invalidated every earlier offer. */
    public synchronized void subscribed() {
        live.clear();
        received.clear();
        subscription++;
    }

    /** How many subscriptions began in this process (0 before the first). */
    public synchronized long subscriptions() {
        return subscription;
    }

    /** The offer was rescinded, or used by a call the master took: it is no longer live. */
    public synchronized void gone(String offerId) {
        live.remove(offerId);
    }

    /**
     * Those of {@code offerIds} the current subscription received and that are still live, in order. A
     * scheduler rebuilt from scratch replays days of offers; declining them would flood the master.
     */
    public synchronized List<String> liveOffers(List<String> offerIds) {
        return offerIds.stream().filter(live::containsKey).toList();
    }

    /**
     * Those of {@code offerIds} the current subscription never received (before it began, or never
     * offered at all), in order. Mesos refuses them; unlike a used or rescinded offer of this
     * subscription, no call of this subscription can have used them.
     */
    public synchronized List<String> unreceived(List<String> offerIds) {
        return offerIds.stream().filter(id -> !received.containsKey(id)).toList();
    }

    public synchronized Optional<String> hostname(String agentId) {
        return Optional.ofNullable(hostByAgent.get(agentId));
    }

    /**
     * The allocation role for a launch on these offers with a resource of role {@code resourceRole}:
     * the offer's known allocation role, else the reservation role, else the framework's first role.
     */
    public synchronized String allocationRole(List<String> offerIds, String resourceRole) {
        for (String id : offerIds) {
            String r = byOffer.get(id);
            if (r != null) {
                return r;
            }
        }
        if (resourceRole != null && !"*".equals(resourceRole)) {
            return resourceRole;
        }
        return frameworkRoles.isEmpty() ? "*" : frameworkRoles.get(0);
    }
}
