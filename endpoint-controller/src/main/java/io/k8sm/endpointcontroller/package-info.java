/** k8sm endpoint-controller. */
package io.k8sm.endpointcontroller;
