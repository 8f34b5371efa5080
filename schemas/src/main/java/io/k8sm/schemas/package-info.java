/** k8sm schemas. */
package io.k8sm.schemas;
