/**
 * Apicurio Registry as a child process: an independent implementation of the Confluent Schema
 * Registry API, for interop tests of the project's serde and registry client. The runner is built
 * by {@code tools/apicurio-registry/build.sh}, outside the main reactor.
 */
package io.k8sm.sandbox.apicurio;
