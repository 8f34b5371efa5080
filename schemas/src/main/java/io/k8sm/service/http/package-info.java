/**
 * The HTTP server every service runs ({@link io.k8sm.service.http.ServiceHttpServer}: {@code /metrics},
 * {@code /healthz}, {@code /readyz}) and its per-service port key ({@link io.k8sm.service.http.HttpSettings}).
 */
package io.k8sm.service.http;
