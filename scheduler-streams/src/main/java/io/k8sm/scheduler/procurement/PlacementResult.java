package io.k8sm.scheduler.procurement;

/** The outcome of placing one pod: a {@link Placement} or a {@link Shortfall}. */
public sealed interface PlacementResult permits Placement, Shortfall {
    String podKey();

    default boolean placed() {
        return this instanceof Placement;
    }
}
