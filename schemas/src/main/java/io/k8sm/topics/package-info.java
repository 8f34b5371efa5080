/**
 * The topic catalogue: every Kafka topic of k8sm ({@link io.k8sm.topics.Topic}), its key, value
 * schema and settings, and the names a deployment gives them ({@link
 * io.k8sm.topics.TopicCatalogue}).
 */
package io.k8sm.topics;
