package io.k8sm.launcher.launch;

import io.k8sm.avro.LauncherEvent;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the launcher has decided about launch requests: the task ids it launched or rejected
 * (derived from the {@code launcher-events} it wrote, so it survives restarts and moves with the
 * partitions) and the offers its ACCEPTs used up (in memory, the last {@value #OFFERS_KEPT}).
 */
public final class LaunchLedger {
    static final int OFFERS_KEPT = 100_000;

    private final Set<String> decided = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> usedOffers =
            Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > OFFERS_KEPT;
                }
            });

    /** Folds one record read back from launcher-events. */
    public void onEvent(LauncherEvent e) {
        if (e == null) {
            return;
        }
        // Every launcher event for a task means its request was handled (launched, bound, failed or
        // rejected).
        decided.add(e.getTaskId());
    }

    public boolean isDecided(String taskId) {
        return decided.contains(taskId);
    }

    public boolean anyOfferUsed(Collection<String> offerIds) {
        return offerIds.stream().anyMatch(usedOffers::containsKey);
    }

    /** Records what a committed transaction decided. */
    public void record(Collection<String> taskIds, Collection<String> offerIds) {
        decided.addAll(taskIds);
        offerIds.forEach(o -> usedOffers.put(o, Boolean.TRUE));
    }
}
