package io.k8sm.scheduler.replay;

/** A replay that cannot go on: the cluster or the registry is unreachable, or there is nothing to replay. */
public final class ReplayException extends RuntimeException {

    private final boolean nothingToReplay;

    public ReplayException(String message) {
        this(message, false);
    }

    private ReplayException(String message, boolean nothingToReplay) {
        super(message);
        this.nothingToReplay = nothingToReplay;
    }

    static ReplayException nothingToReplay(String message) {
        return new ReplayException(message, true);
    }

    /** The input topics hold no record (before the limit): the state is empty, not unknown. */
    public boolean nothingToReplay() {
        return nothingToReplay;
    }
}
