package io.k8sm.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

    @Test
    void missingUrlNamesTheKeyAndTheExpectedForm() {
        ConfigException e = assertThrows(ConfigException.class, () -> RegistryClientConfig.from(Map.of()));
        assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
        assertTrue(e.getMessage().contains("http://host:8081"), e.getMessage());
    }

    @Test
    void nonHttpUrlNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> RegistryClientConfig.of("ftp://x:1"));
        assertTrue(
                e.getMessage().contains("schema.registry.url") && e.getMessage().contains("ftp://x:1"), e.getMessage());
    }

    @Test
    void badNumberNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> RegistryClientConfig.from(
                        Map.of(RegistryClientConfig.URL, "http://h:1", RegistryClientConfig.MAX_RETRIES, "three")));
        assertTrue(e.getMessage().contains("max.retries"), e.getMessage());
    }

    @Test
    void userInfoSourceWithoutUserInfoNamesTheMissingKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> RegistryClientConfig.from(Map.of(
                        RegistryClientConfig.URL, "http://h:1", RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO")));
        assertTrue(e.getMessage().contains("basic.auth.user.info"), e.getMessage());
    }

    @Test
    void missingTruststoreFileNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> RegistryClientConfig.from(Map.of(
                        RegistryClientConfig.URL,
                        "https://h:1",
                        RegistryClientConfig.TRUSTSTORE_LOCATION,
                        "/nonexistent/ts.p12")));
        assertTrue(e.getMessage().contains("schema.registry.ssl.truststore.location"), e.getMessage());
    }

    @Test
    void commaListIsParsedInOrderWithPathsKeptAndTrailingSlashesDropped() {
        RegistryClientConfig c = RegistryClientConfig.from(Map.of(
                RegistryClientConfig.URL,
                " http://a:1/ , http://u:p@b:2/apis/ccompat/v7/ ",
                RegistryClientConfig.READ_TIMEOUT_MS,
                "1500"));
        assertEquals(List.of(URI.create("http://a:1"), URI.create("http://b:2/apis/ccompat/v7")), c.baseUrls());
        assertEquals(Optional.of("u:p"), c.userInfo());
        assertEquals(Duration.ofMillis(1500), c.requestTimeout());
    }
}
