package io.k8sm.schemaregistry;

/** The schema registry's compatibility levels, as spelled by the Confluent REST API. */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE
}
