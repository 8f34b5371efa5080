package io.k8sm.scheduler.procurement;

import java.util.Locale;
import java.util.Optional;

/**
 * How container ports are mapped to host ports (pod annotation {@code
 * k8s.mesosphere.io/portMapping}).
 */
public enum PortMappingMode {
    /** Each non-zero host port must be offered; host port 0 stays pod-private. */
    FIXED,
    /** Fixed ports first, then every host port 0 takes the next free offered port. */
    WILDCARD;

    /**
     * The mode named by an annotation value ({@code fixed} or {@code wildcard}, case-insensitive).
     */
    public static Optional<PortMappingMode> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "fixed" -> Optional.of(FIXED);
            case "wildcard" -> Optional.of(WILDCARD);
            default -> Optional.empty();
        };
    }
}
