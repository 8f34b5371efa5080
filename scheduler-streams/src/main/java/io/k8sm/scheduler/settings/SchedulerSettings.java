package io.k8sm.scheduler.settings;

import java.util.List;

/**
 * The knobs of the state machine as plain values (no Kafka types), built from {@code
 * topology.SchedulerConfig} or directly in tests.
 *
 * @param offerTtlMs how long a live offer may be matched before it is declined
 * @param offerLingerMs how long a gone offer id is remembered
 * @param refuseSeconds refuse seconds sent with every Decline
 * @param backoff the per-pod scheduling backoff, and the cap of a pod's failed attempts
 * @param executorId the id of our executor; an offer naming another executor is incompatible
 * @param finishedRetained how many finished tasks the registry keeps (a ring)
 * @param reconcileMinIntervalMs at least this long between two Reconcile calls
 * @param explicitReconcileInitialMs first retry delay of an explicit reconciliation
 * @param explicitReconcileMaxMs largest retry delay of an explicit reconciliation
 * @param implicitReconcileInitialDelayMs first implicit reconciliation this long after subscription
 * @param implicitReconcileIntervalMs implicit reconciliation period
 * @param frameworkRoles the roles the framework is registered with
 * @param defaultPodRoles roles of a pod without the roles annotation
 * @param deletionBudget how many bound pods may be deleted per window without an operator's word
 * @param reconcileMaxTasksPerCall at most this many tasks in one explicit Reconcile call (a larger
 *     reconciliation is sent as several calls, so no record grows past the broker's size limit)
 * @param clockMaxSkewMs how far a clock tick's value may be ahead of its record's timestamp (the
 *     broker's append time); a tick further ahead is dead-lettered and time advances to the record's
 *     timestamp only
 */
public record SchedulerSettings(
        long offerTtlMs,
        long offerLingerMs,
        double refuseSeconds,
        Backoff backoff,
        String executorId,
        int finishedRetained,
        long reconcileMinIntervalMs,
        long explicitReconcileInitialMs,
        long explicitReconcileMaxMs,
        long implicitReconcileInitialDelayMs,
        long implicitReconcileIntervalMs,
        List<String> frameworkRoles,
        List<String> defaultPodRoles,
        DeletionBudget deletionBudget,
        int reconcileMaxTasksPerCall,
        long clockMaxSkewMs) {

    public static final int DEFAULT_RECONCILE_MAX_TASKS_PER_CALL = 1_000;
    public static final long DEFAULT_CLOCK_MAX_SKEW_MS = 60_000;

    public SchedulerSettings {
        frameworkRoles = List.copyOf(frameworkRoles);
        defaultPodRoles = List.copyOf(defaultPodRoles);
        if (finishedRetained < 1) {
            throw new IllegalArgumentException("finishedRetained must be >= 1");
        }
        if (reconcileMaxTasksPerCall < 1) {
            throw new IllegalArgumentException("reconcileMaxTasksPerCall must be >= 1");
        }
        if (clockMaxSkewMs < 0) {
            throw new IllegalArgumentException("clockMaxSkewMs must be >= 0");
        }
    }

    /** The reference's defaults. */
    public static SchedulerSettings defaults() {
        return new SchedulerSettings(
                5_000,
                120_000,
                5.0,
                new Backoff(1_000, 60_000),
                "k8sm-executor",
                1024,
                15_000,
                1_000,
                120_000,
                15_000,
                300_000,
                List.of("*"),
                List.of("*"),
                DeletionBudget.defaults(),
                DEFAULT_RECONCILE_MAX_TASKS_PER_CALL,
                DEFAULT_CLOCK_MAX_SKEW_MS);
    }

    public SchedulerSettings withFinishedRetained(int n) {
        return new SchedulerSettings(
                offerTtlMs,
                offerLingerMs,
                refuseSeconds,
                backoff,
                executorId,
                n,
                reconcileMinIntervalMs,
                explicitReconcileInitialMs,
                explicitReconcileMaxMs,
                implicitReconcileInitialDelayMs,
                implicitReconcileIntervalMs,
                frameworkRoles,
                defaultPodRoles,
                deletionBudget,
                reconcileMaxTasksPerCall,
                clockMaxSkewMs);
    }

    public SchedulerSettings withDeletionBudget(DeletionBudget budget) {
        return new SchedulerSettings(
                offerTtlMs,
                offerLingerMs,
                refuseSeconds,
                backoff,
                executorId,
                finishedRetained,
                reconcileMinIntervalMs,
                explicitReconcileInitialMs,
                explicitReconcileMaxMs,
                implicitReconcileInitialDelayMs,
                implicitReconcileIntervalMs,
                frameworkRoles,
                defaultPodRoles,
                budget,
                reconcileMaxTasksPerCall,
                clockMaxSkewMs);
    }

    public SchedulerSettings withReconcileMaxTasksPerCall(int n) {
        return new SchedulerSettings(
                offerTtlMs,
                offerLingerMs,
                refuseSeconds,
                backoff,
                executorId,
                finishedRetained,
                reconcileMinIntervalMs,
                explicitReconcileInitialMs,
                explicitReconcileMaxMs,
                implicitReconcileInitialDelayMs,
                implicitReconcileIntervalMs,
                frameworkRoles,
                defaultPodRoles,
                deletionBudget,
                n,
                clockMaxSkewMs);
    }

    public SchedulerSettings withBackoff(Backoff b) {
        return new SchedulerSettings(
                offerTtlMs,
                offerLingerMs,
                refuseSeconds,
                b,
                executorId,
                finishedRetained,
                reconcileMinIntervalMs,
                explicitReconcileInitialMs,
                explicitReconcileMaxMs,
                implicitReconcileInitialDelayMs,
                implicitReconcileIntervalMs,
                frameworkRoles,
                defaultPodRoles,
                deletionBudget,
                reconcileMaxTasksPerCall,
                clockMaxSkewMs);
    }
}
