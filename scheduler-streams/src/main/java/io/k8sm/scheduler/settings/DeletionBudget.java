package io.k8sm.scheduler.settings;

/**
 * How many bound pods the scheduler may delete in one window of event time without an operator's
 * word: {@code max(minCount, floor(maxShare × bound pods when the window opened))}. Beyond it the
 * deletions are held and an alarm is raised (see {@code lifecycle.DeletionGuard}).
 *
 * @param maxShare the share of the bound pods (0..1)
 * @param windowMs the window's length in event time, from its first deletion
 * @param minCount deletions always allowed per window, so that tiny clusters still heal
 */
public record DeletionBudget(double maxShare, long windowMs, int minCount) {

    public DeletionBudget {
        if (!(maxShare >= 0.0 && maxShare <= 1.0) || windowMs <= 0 || minCount < 0) {
            throw new IllegalArgumentException("deletion budget needs 0 <= share <= 1, window > 0, min >= 0, got "
                    + maxShare + ", " + windowMs + ", " + minCount);
        }
    }

    /** 10 % of the bound pods per 10 minutes, at least 3. */
    public static DeletionBudget defaults() {
        return new DeletionBudget(0.1, 600_000, 3);
    }

    /** The deletions allowed in a window that opened with {@code bound} bound pods. */
    public long allowed(long bound) {
        return Math.max(minCount, (long) Math.floor(maxShare * bound));
    }
}
