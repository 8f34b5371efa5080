/**
 * The Kubernetes side of the contract between the k8sm services, beside the Avro one: every {@code
 * k8s.mesosphere.io/*} name that one service writes and another reads, defined once. {@link
 * io.k8sm.contract.PodAnnotations} (pod annotations: the launch, recovery, ports, roles and port
 * mapping), {@link io.k8sm.contract.NodeLabels} (node labels and annotations of registered agents)
 * and {@link io.k8sm.contract.TaskLabels} (labels on the Mesos tasks the launcher launches).
 */
package io.k8sm.contract;
