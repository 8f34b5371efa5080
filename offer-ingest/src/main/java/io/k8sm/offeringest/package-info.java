/** k8sm offer-ingest. */
package io.k8sm.offeringest;
