package io.k8sm.scheduler.replay;

/** A replay that cannot go on: the cluster or the registry is unreachable, or there is nothing to replay. */
public final class ReplayException extends RuntimeException {

    public ReplayException(String message) {
        super(message);
    }
}
