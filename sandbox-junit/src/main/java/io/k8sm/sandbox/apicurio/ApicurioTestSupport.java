package io.k8sm.sandbox.apicurio;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when the Apicurio runner has not been built: on CI (environment variable {@code
 * CI} set) it fails, because a silently skipped interop test proves nothing; on a developer machine
 * it is skipped with the build hint.
 */
public final class ApicurioTestSupport {

    private ApicurioTestSupport() {}

    /**
     * The runner jar; otherwise fails (on CI) or aborts the test as skipped (elsewhere), in both
     * cases with the command that builds it.
     */
    public static Path runnerOrSkip() {
        Optional<Path> runner = ApicurioRegistryProcess.locateRunner();
        if (runner.isPresent()) {
            return runner.get();
        }
        String message = "The Apicurio Registry runner is not built, so the interop test cannot run. "
                + ApicurioRegistryProcess.BUILD_HINT;
        if (onCi()) {
            return Assertions.fail(message + " (failing rather than skipping because CI is set)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** Starts a registry from {@link #runnerOrSkip()}. */
    public static ApicurioRegistryProcess startOrSkip() {
        return ApicurioRegistryProcess.builder().runner(runnerOrSkip()).start();
    }

    static boolean onCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }
}
