/** k8sm app. */
package io.k8sm.app;
