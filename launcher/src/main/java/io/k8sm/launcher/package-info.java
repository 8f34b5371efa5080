/** k8sm launcher. */
package io.k8sm.launcher;
