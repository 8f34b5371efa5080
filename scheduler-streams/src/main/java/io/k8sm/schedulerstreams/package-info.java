/** k8sm scheduler-streams. */
package io.k8sm.schedulerstreams;
