/**
 * The shape shared by the k8sm services: {@link io.k8sm.service.K8smService} (start, health,
 * close). Each service module declares its configuration the same way, as a record {@code
 * XxxConfig} with {@code definition()} (a Kafka {@code ConfigDef} built on {@link
 * io.k8sm.config.K8smConfig#baseDefinition()}), {@code from(K8smConfig)} and {@code fromMap(Map)}.
 */
package io.k8sm.service;
