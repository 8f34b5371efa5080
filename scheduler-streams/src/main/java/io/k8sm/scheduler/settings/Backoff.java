package io.k8sm.scheduler.settings;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Per-pod exponential backoff, {@code initial} doubling up to {@code max}, plus a jitter of up to a
 * quarter of the delay that is derived from the pod key and the attempt number (never random), so a
 * replay computes the same delays.
 *
 * <p>{@code maxAttempts} caps the attempts of a pod that keep failing (no offer fits, or its launch or binding
 * failed before the launch): at the cap the pod gets one last {@code FAILED_SCHEDULING} event saying it is parked,
 * and from then on it is retried only every {@code maxMs}, silently, no longer on every new offer. 0 = no cap.
 */
public record Backoff(long initialMs, long maxMs, int maxAttempts) {

    /** The default cap of {@link #maxAttempts}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 20;

    public Backoff {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initialMs + ", " + maxMs);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0 (0 = no cap), got " + maxAttempts);
        }
    }

    public Backoff(long initialMs, long maxMs) {
        this(initialMs, maxMs, DEFAULT_MAX_ATTEMPTS);
    }

    /** True once {@code failures} attempts reached the cap (never without one). */
    public boolean parked(int failures) {
        return maxAttempts > 0 && failures >= maxAttempts;
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
