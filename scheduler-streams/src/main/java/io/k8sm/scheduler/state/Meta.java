package io.k8sm.scheduler.state;

/** Reading the meta store's counters and clocks, with a default for a key not yet written. */
public final class Meta {

    private Meta() {}

    public static long get(Kv<String, Long> meta, String key, long dflt) {
        Long v = meta.get(key);
        return v == null ? dflt : v;
    }
}
