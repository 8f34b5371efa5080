package io.k8sm.endpoints;

/** The pod behind an endpoint (rendered as a {@code targetRef} of kind Pod). */
public record TargetRef(String namespace, String name, String uid, String resourceVersion) {}
