/**
 * Procurement and placement: the pure scheduling logic (no Kafka, no Avro, no I/O).
 *
 * <p>Inputs are immutable records ({@link io.k8sm.scheduler.procurement.PodRequest}, {@link
 * io.k8sm.scheduler.procurement.AgentOffer}); a {@link io.k8sm.scheduler.procurement.Cluster} is
 * the mutable ledger of what is left of one batch of offers; a {@link
 * io.k8sm.scheduler.procurement.PlacementEngine} places pods on it and answers a {@link
 * io.k8sm.scheduler.procurement.Placement} or a {@link io.k8sm.scheduler.procurement.Shortfall}.
 */
package io.k8sm.scheduler.procurement;
