package io.k8sm.endpoints;

/** The service that owns an Endpoints object or a slice (its controller ownerReference). */
public record Owner(String name, String uid) {}
