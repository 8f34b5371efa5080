package io.k8sm.scheduler.procurement;

/** An amount of a scalar resource taken from one role. */
public record RoleAmount(String role, double amount) {}
