/**
 * k8sm endpoint-controller: Kubernetes Endpoints and discovery.k8s.io/v1 EndpointSlices for
 * services whose pods run on Mesos agents and are reached through host ports.
 *
 * <p>The desired state of one service is a pure function ({@link
 * io.k8sm.endpoints.EndpointsReconciler}); {@link io.k8sm.endpoints.EndpointControllerService} feeds it
 * from informers and writes the difference.
 */
package io.k8sm.endpoints;
