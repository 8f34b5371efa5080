/** k8sm sandbox. */
package io.k8sm.sandbox;
