package io.k8sm.launcher.archfixture;

import io.k8sm.scheduler.settings.SchedulerSettings;

/**
 * A fixture that breaks the service rule on purpose: a class in a launcher package that imports the scheduler.
 * It lives in the architecture module's test classes, so the real check never sees it; {@code
 * ArchitectureRulesCanFailTest} feeds it to the same rule and expects the violation.
 */
public final class LauncherReachesIntoScheduler {
    public SchedulerSettings settings;
}
