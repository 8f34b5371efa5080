package io.k8sm.launcher.prepare;

/**
 * A launch request that cannot be turned into a launch; the message is the LAUNCH_REJECTED reason.
 */
public final class LaunchRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public LaunchRejectedException(String reason) {
        super(reason);
    }

    public LaunchRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
