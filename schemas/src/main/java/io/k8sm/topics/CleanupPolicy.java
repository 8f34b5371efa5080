package io.k8sm.topics;

/** A topic's {@code cleanup.policy}. */
public enum CleanupPolicy {
    /** Old segments are deleted after the retention time: an event log. */
    DELETE("delete"),
    /** Only the latest value per key is kept, a null value deletes the key: a table. */
    COMPACT("compact"),
    /** Compacted, and also deleted after the retention time. */
    COMPACT_DELETE("compact,delete");

    private final String config;

    CleanupPolicy(String config) {
        this.config = config;
    }

    /** The value of the {@code cleanup.policy} topic config. */
    public String config() {
        return config;
    }

    /** True when segments are deleted after the retention time ({@code retention.ms} applies). */
    public boolean deletes() {
        return this != COMPACT;
    }
}
