package io.k8sm.scheduler.procurement;

import java.util.Locale;

/** Which fitting agent a pod goes to. Chosen by configuration. */
public enum PlacementPolicy {
    /**
     * Agents in a stable order (the order their first offer entered the cluster); the first that
     * fits.
     */
    FIRST_FIT("first-fit"),
    /**
     * Best fit: the fitting agent that is left with the least free cpu+mem in the pod's roles, each
     * normalized by the largest agent of the cluster; ties go to the earlier agent. Uses few agents.
     */
    BIN_PACK("bin-pack");

    private final String configName;

    PlacementPolicy(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration: {@code first-fit} or {@code bin-pack}. */
    public String configName() {
        return configName;
    }

    /** Parses {@code first-fit} / {@code bin-pack} (also the enum names). */
    public static PlacementPolicy parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (PlacementPolicy p : values()) {
            if (p.configName.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown placement policy '" + value + "' (first-fit | bin-pack)");
    }
}
