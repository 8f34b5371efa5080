package io.k8sm.scheduler.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a replay stops. Without limits it reads every input partition to its end (its last
 * committed record). {@code untilMs}: each partition up to its first record with a timestamp after
 * it. {@code untilOffsets}: a partition up to, not including, the given offset (the offset a
 * consumer would commit); partitions not named read to their end.
 */
public record ReplayLimits(Optional<Long> untilMs, Map<TopicPartition, Long> untilOffsets) {

    public ReplayLimits {
        untilOffsets = Map.copyOf(untilOffsets);
    }

    public static ReplayLimits none() {
        return new ReplayLimits(Optional.empty(), Map.of());
    }

    public boolean any() {
        return untilMs.isPresent() || !untilOffsets.isEmpty();
    }

    /** An ISO-8601 instant ({@code 2026-12-02T00:15:00Z}) or epoch milliseconds. */
    public static long parseTime(String s) {
        String v = s.trim();
        if (v.matches("-?\\d+")) {
            return Long.parseLong(v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--until: '" + s
                    + "' is neither an ISO-8601 instant (2026-12-02T00:15:00Z) nor epoch milliseconds");
        }
    }

    /**
     * {@code topic:partition=offset,...}; a topic may be a full name or, with {@code resolve}, a
     * logical one.
     */
    public static Map<TopicPartition, Long> parseOffsets(String s, java.util.function.UnaryOperator<String> resolve) {
        Map<TopicPartition, Long> m = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.lastIndexOf('=');
            int colon = eq < 0 ? -1 : p.lastIndexOf(':', eq);
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                String topic = resolve.apply(p.substring(0, colon));
                int partition = Integer.parseInt(p.substring(colon + 1, eq));
                long offset = Long.parseLong(p.substring(eq + 1));
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException();
                }
                m.put(new TopicPartition(topic, partition), offset);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--until-offsets: '" + p + "' is not TOPIC:PARTITION=OFFSET (e.g. pods:0=1200,offers:0=5400)");
            }
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException(
                    "--until-offsets: expected TOPIC:PARTITION=OFFSET,... but got '" + s + "'");
        }
        return m;
    }
}
