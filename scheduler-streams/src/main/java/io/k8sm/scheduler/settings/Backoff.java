package io.k8sm.scheduler.settings;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Per-pod exponential backoff, {@code initial} doubling up to {@code max}, plus a jitter of up to a
 * quarter of the delay that is derived from the pod key and the attempt number (never random), so a
 * replay computes the same delays.
 */
public record Backoff(long initialMs, long maxMs) {

    public Backoff {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initialMs + ", " + maxMs);
        }
    }

    /**
     * The delay after the {@code failures}-th failure (1-based), jitter included, never above max.
     */
    public long delayMs(String podKey, int failures) {
        int shift = Math.max(0, Math.min(failures - 1, 30));
        long base = Math.min(maxMs, initialMs << shift);
        long jitter = (long) (base / 4.0 * fraction(podKey, failures));
        return Math.min(maxMs, base + jitter);
    }

    /** A deterministic number in [0, 1) from the pod key and attempt. */
    static double fraction(String podKey, int attempt) {
        CRC32 crc = new CRC32();
        crc.update((podKey + "#" + attempt).getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() % 10_000L) / 10_000.0;
    }
}
