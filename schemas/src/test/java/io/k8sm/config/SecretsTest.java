package io.k8sm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void theSecretKeysAreThePasswordsJaasConfigsUserInfosSecretsAndTokens() {
        for (String k : new String[] {
            "kafka.sasl.jaas.config",
            "kafka.ssl.keystore.password",
            "kafka.ssl.key.password",
            "kafka.ssl.keystore.key",
            "basic.auth.user.info",
            "schema.registry.basic.auth.user.info",
            "schema.registry.ssl.truststore.password",
            "mesos.secret",
            "mesos.tls.truststore.password",
            "kube.token"
        }) {
            assertTrue(Secrets.isSecret(k), k);
        }
        for (String k : new String[] {
            "bootstrap.servers", "schema.registry.url", "kafka.sasl.mechanism", "mesos.principal", "passwords.count"
        }) {
            assertFalse(Secrets.isSecret(k), k);
        }
    }

    @Test
    void redactHidesSecretValuesAndUrlPasswords() {
        assertEquals(Secrets.HIDDEN, Secrets.redact("basic.auth.user.info", "bob:pw1234"));
        assertEquals(
                "http://bob:[hidden]@reg:8081,https://ann:[hidden]@reg2",
                Secrets.redact("schema.registry.url", "http://bob:pw1234@reg:8081,https://ann:x@reg2"));
        assertEquals("http://reg:8081", Secrets.redact("schema.registry.url", "http://reg:8081"));
    }

    @Test
    void scrubHidesEveryPartOfAJaasConfigAndAUserInfo() {
        Map<String, String> settings = Map.of(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\"jaas-pw-1\";",
                "basic.auth.user.info",
                "reg-user:reg-pw-2");
        String text = "failed: password=\"jaas-pw-1\" and reg-pw-2, user info reg-user:reg-pw-2, url http://a:b-pw@h";
        String scrubbed = Secrets.scrub(text, settings);
        assertFalse(scrubbed.contains("jaas-pw-1"), scrubbed);
        assertFalse(scrubbed.contains("reg-pw-2"), scrubbed);
        assertFalse(scrubbed.contains("b-pw"), scrubbed);
    }

    @Test
    void aConfigErrorNeverCarriesTheSecretItIsAbout() {
        ConfigDef def = K8smConfig.baseDefinition()
                .define("scheduler.token", Type.INT, 1, Importance.LOW, "A secret-named number.");
        ConfigSources sources = new ConfigSources()
                .environment(Map.of("K8SM_SCHEDULER_TOKEN", "tok-value-3"))
                .flags(Map.of("schema.registry.url", "http://bob:url-pw-4@reg:bad"));
        ConfigException e = assertThrows(ConfigException.class, () -> sources.build(v -> new K8smConfig(def, v)));
        assertFalse(e.getMessage().contains("tok-value-3") || e.getMessage().contains("url-pw-4"), e.getMessage());
        assertTrue(e.getMessage().contains("scheduler.token") || e.getMessage().contains("schema.registry.url"));
        // and remembered for later text, e.g. a stack trace printed by the command line
        assertFalse(Secrets.scrub("at tok-value-3").contains("tok-value-3"));
    }
}
