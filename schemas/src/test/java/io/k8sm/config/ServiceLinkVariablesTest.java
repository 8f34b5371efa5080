package io.k8sm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes gives every pod the service-link variables of each Service in its namespace; a Service
 * named {@code k8sm} or {@code k8sm-scheduler} yields {@code K8SM_*} names that must not stop k8sm
 * with "Unknown configuration key".
 */
class ServiceLinkVariablesTest {

    /** Exactly what the kubelet sets for Service "k8sm" (port 8080/TCP named http) and "k8sm-scheduler". */
    static Map<String, String> serviceLinks() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("K8SM_SERVICE_HOST", "10.96.0.12");
        env.put("K8SM_SERVICE_PORT", "8080");
        env.put("K8SM_SERVICE_PORT_HTTP", "8080");
        env.put("K8SM_PORT", "tcp://10.96.0.12:8080");
        env.put("K8SM_PORT_8080_TCP", "tcp://10.96.0.12:8080");
        env.put("K8SM_PORT_8080_TCP_PROTO", "tcp");
        env.put("K8SM_PORT_8080_TCP_PORT", "8080");
        env.put("K8SM_PORT_8080_TCP_ADDR", "10.96.0.12");
        env.put("K8SM_SCHEDULER_SERVICE_HOST", "10.96.0.13");
        env.put("K8SM_SCHEDULER_SERVICE_PORT", "8081");
        env.put("K8SM_SCHEDULER_SERVICE_PORT_METRICS", "8081");
        env.put("K8SM_SCHEDULER_PORT", "tcp://10.96.0.13:8081");
        env.put("K8SM_SCHEDULER_PORT_8081_TCP", "tcp://10.96.0.13:8081");
        env.put("K8SM_SCHEDULER_PORT_8081_TCP_PROTO", "tcp");
        env.put("K8SM_SCHEDULER_PORT_8081_TCP_PORT", "8081");
        env.put("K8SM_SCHEDULER_PORT_8081_TCP_ADDR", "10.96.0.13");
        env.put("K8SM_DNS_PORT_53_UDP", "udp://10.96.0.10:53");
        env.put("K8SM_SCTP_PORT_9_SCTP_PROTO", "sctp");
        return env;
    }

    private static ConfigDef schedulerLike() {
        return K8smConfig.baseDefinition()
                .define("scheduler.http.port", Type.INT, 8080, Importance.LOW, "HTTP port.")
                .define("scheduler.queue.size", Type.INT, 10, Importance.LOW, "Queue size.");
    }

    @Test
    void withoutTheRuleAServiceNamedK8smStopsEveryCommand() {
        // the reproduction: these names, read as settings, are unknown keys
        Map<String, String> asKeys = new LinkedHashMap<>();
        serviceLinks().forEach((k, v) -> asKeys.put(ConfigSources.envToKey(k), v));
        ConfigException e = assertThrows(ConfigException.class, () -> new K8smConfig(asKeys));
        assertTrue(e.getMessage().contains("Unknown configuration key"), e.getMessage());
    }

    @Test
    void serviceLinkVariablesAreIgnoredByEveryComponent() {
        K8smConfig base = new ConfigSources().environment(serviceLinks()).build();
        assertEquals("localhost:9092", base.bootstrapServers());
        ConfigSources sources = new ConfigSources().environment(serviceLinks());
        assertEquals(Map.of(), sources.values());
        K8smConfig scheduler = sources.build(v -> new K8smConfig(schedulerLike(), v));
        assertEquals(8080, scheduler.getInt("scheduler.http.port"));
    }

    @Test
    void settingsThatLookLikeServiceLinksAreStillRead() {
        Map<String, String> env = new LinkedHashMap<>(serviceLinks());
        env.put("K8SM_SCHEDULER_HTTP_PORT", "9090");
        env.put("K8SM_BOOTSTRAP_SERVERS", "kafka:9092");
        K8smConfig c = new ConfigSources().environment(env).build(v -> new K8smConfig(schedulerLike(), v));
        assertEquals(9090, c.getInt("scheduler.http.port"));
        assertEquals("kafka:9092", c.bootstrapServers());
    }

    @Test
    void aTypoUnderAComponentsPrefixIsStillAnError() {
        Map<String, String> env = new LinkedHashMap<>(serviceLinks());
        env.put("K8SM_SCHEDULER_QUEUE_SIZ", "3");
        ConfigSources sources = new ConfigSources().environment(env);
        ConfigException e =
                assertThrows(ConfigException.class, () -> sources.build(v -> new K8smConfig(schedulerLike(), v)));
        assertTrue(e.getMessage().contains("'scheduler.queue.siz'"), e.getMessage());
        assertTrue(e.getMessage().contains("K8SM_SCHEDULER_QUEUE_SIZ"), e.getMessage());
    }

    @Test
    void onlyTheDocumentedPatternsMatch() {
        serviceLinks().forEach((k, v) -> assertTrue(ServiceLinkVariables.isServiceLink(k, v), k));
        assertFalse(ServiceLinkVariables.isServiceLink("K8SM_SCHEDULER_HTTP_PORT", "8080"));
        assertFalse(ServiceLinkVariables.isServiceLink("K8SM_PORT", "8080"));
        assertFalse(ServiceLinkVariables.isServiceLink("K8SM_PORT_8080_HTTP", "x"));
        assertFalse(ServiceLinkVariables.isServiceLink("K8SM_BOOTSTRAP_SERVERS", "tcp://kafka:9092"));
        assertFalse(ServiceLinkVariables.isServiceLink("OTHER_SERVICE_HOST", "10.0.0.1"));
    }
}
